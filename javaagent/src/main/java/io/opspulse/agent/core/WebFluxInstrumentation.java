package io.opspulse.agent.core;

import static io.opspulse.agent.core.HookArg.RETURNED;
import static io.opspulse.agent.core.HookArg.argument;
import static io.opspulse.agent.core.HookCall.call;
import static io.opspulse.agent.core.MethodSpec.named;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/**
 * Spring WebFlux on any server: {@code ExceptionHandlingWebHandler} sees every exchange after the
 * handler mapping named the route, and returns the Mono whose end is the response's.
 */
final class WebFluxInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.WEBFLUX;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named("org.springframework.web.server.handler.ExceptionHandlingWebHandler");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        on(named("handle")
                .arguments(1)
                .argument(0, "org.springframework.web.server.ServerWebExchange"))
            .exit(call("webFluxHandled", argument(0), RETURNED).replacingReturn()));
  }
}
