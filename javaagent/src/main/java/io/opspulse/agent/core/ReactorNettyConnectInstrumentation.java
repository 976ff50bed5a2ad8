package io.opspulse.agent.core;

import static io.opspulse.agent.core.HookArg.argument;
import static io.opspulse.agent.core.HookCall.call;
import static io.opspulse.agent.core.MethodSpec.named;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/** Reactor Netty's HttpClient (Spring's WebClient): a request starts when its handler writes it. */
final class ReactorNettyConnectInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.HTTP_CLIENT;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named("reactor.netty.http.client.HttpClientConnect$HttpClientHandler");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        on(named("requestWithBody").arguments(1)).enter(call("asyncClientStarted", argument(0))));
  }
}
