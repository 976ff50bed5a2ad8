package io.opspulse.agent.core;

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
        on(named("service").arguments(2).argument(0, request).concrete(), "ServletAdvice"),
        on(named("doFilter").arguments(3).argument(0, request).concrete(), "ServletAdvice"));
  }

  @Override
  public String toString() {
    return "ServletInstrumentation(" + namespace + ")";
  }
}
