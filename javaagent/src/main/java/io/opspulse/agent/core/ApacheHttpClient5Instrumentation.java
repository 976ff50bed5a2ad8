package io.opspulse.agent.core;

import static io.opspulse.agent.core.HookArg.ENTER;
import static io.opspulse.agent.core.HookArg.RETURNED;
import static io.opspulse.agent.core.HookArg.THROWN;
import static io.opspulse.agent.core.HookArg.argument;
import static io.opspulse.agent.core.HookCall.call;
import static io.opspulse.agent.core.MethodSpec.named;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/** Apache HttpClient 5 classic: {@code doExecute}, which every {@code execute} overload calls. */
final class ApacheHttpClient5Instrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.HTTP_CLIENT;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named(
        "org.apache.hc.client5.http.impl.classic.InternalHttpClient",
        "org.apache.hc.client5.http.impl.classic.MinimalHttpClient");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        on(named("doExecute")
                .arguments(3)
                .argument(1, "org.apache.hc.core5.http.ClassicHttpRequest"))
            .enter(call("clientEnter").returningEnterValue())
            .exitOrThrow(
                call("apacheClient5Exit", ENTER, argument(0), argument(1), RETURNED, THROWN)));
  }
}
