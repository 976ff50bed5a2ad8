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
 * The JDK's {@code com.sun.net.httpserver}: at {@code Filter.Chain}, so lambda handlers and filters
 * count.
 */
final class JdkHttpServerInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.HTTP_SERVER;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named("com.sun.net.httpserver.Filter$Chain");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        on(named("doFilter").arguments(1))
            .enter(call("httpHandlerEnter", argument(0)).returningEnterValue())
            .exitOrThrow(call("httpHandlerExit", ENTER, argument(0), THROWN)));
  }
}
