package io.opspulse.agent.core;

import static io.opspulse.agent.core.HookArg.ENTER;
import static io.opspulse.agent.core.HookArg.THROWN;
import static io.opspulse.agent.core.HookArg.argument;
import static io.opspulse.agent.core.HookCall.call;
import static io.opspulse.agent.core.MethodSpec.named;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/**
 * Every Servlet and Filter of one servlet API namespace ({@code javax} or {@code jakarta}): their
 * {@code service} and {@code doFilter} implementations. One advice serves both namespaces: it hands
 * request and response on as they are, and {@link ServletAccessor} reads them through their own
 * API.
 */
final class ServletInstrumentation implements TypeInstrumentation {
  static final ServletInstrumentation JAKARTA = new ServletInstrumentation("jakarta");
  static final ServletInstrumentation JAVAX = new ServletInstrumentation("javax");

  private final String namespace;

  private ServletInstrumentation(String namespace) {
    this.namespace = namespace;
  }

  @Override
  public Instrumentation setting() {
    return Instrumentation.SERVLET;
  }

  @Override
  public TypeTarget target() {
    // concat, not +: read at premain (see MethodAdvice.on).
    return TypeTarget.implementing(
        namespace.concat(".servlet.Servlet"), namespace.concat(".servlet.Filter"));
  }

  @Override
  public List<MethodAdvice> advice() {
    String request = namespace.concat(".servlet.ServletRequest");
    return List.of(
        timed(named("service").arguments(2).argument(0, request).concrete()),
        timed(named("doFilter").arguments(3).argument(0, request).concrete()));
  }

  /**
   * The outermost of them on a thread spans the whole request, filters included; request and
   * response go to {@code Hooks} as they are, read once the application's handling returned and the
   * framework has named the route.
   */
  private static MethodAdvice timed(MethodSpec methods) {
    return on(methods)
        .enter(call("serverEnter").returningEnterValue())
        .exitOrThrow(call("servletExit", ENTER, argument(0), argument(1), THROWN));
  }

  @Override
  public String toString() {
    return "ServletInstrumentation(" + namespace + ")";
  }
}
