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

/** Apache HttpClient 4 classic: {@code doExecute}, which every {@code execute} overload calls. */
final class ApacheHttpClient4Instrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.HTTP_CLIENT;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named(
        "org.apache.http.impl.client.InternalHttpClient",
        "org.apache.http.impl.client.MinimalHttpClient");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        on(named("doExecute").arguments(3).argument(1, "org.apache.http.HttpRequest"))
            .enter(call("clientEnter").returningEnterValue())
            .exitOrThrow(
                call("apacheClient4Exit", ENTER, argument(0), argument(1), RETURNED, THROWN)));
  }
}
