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

/**
 * The JDK's {@code java.net.http.HttpClient}: its facade's send and sendAsync, which every client
 * goes through.
 */
final class JdkHttpClientInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.HTTP_CLIENT;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named("jdk.internal.net.http.HttpClientFacade");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        on(named("send").arguments(2))
            .enter(call("clientEnter").returningEnterValue())
            .exitOrThrow(call("httpClientExit", ENTER, argument(0), RETURNED, THROWN)),
        on(named("sendAsync").arguments(2, 3))
            .enter(call("clientEnter").returningEnterValue())
            .exitOrThrow(call("httpClientAsync", ENTER, argument(0), RETURNED, THROWN)));
  }
}
