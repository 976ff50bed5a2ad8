package io.opspulse.agent.core;

import static io.opspulse.agent.core.HookArg.argument;
import static io.opspulse.agent.core.HookCall.call;
import static io.opspulse.agent.core.MethodSpec.named;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/**
 * Jersey on a servlet container: the @Path templates its ApplicationHandler matched name the route.
 */
final class JerseyInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.SERVLET;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named("org.glassfish.jersey.server.ApplicationHandler");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        on(named("handle").arguments(1).argument(0, "org.glassfish.jersey.server.ContainerRequest"))
            .exit(call("jerseyMatched", argument(0))));
  }
}
