package io.opspulse.agent.core;

import static io.opspulse.agent.core.HookArg.THIS;
import static io.opspulse.agent.core.HookArg.argument;
import static io.opspulse.agent.core.HookCall.call;
import static io.opspulse.agent.core.MethodSpec.named;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/** Reactor Netty's HttpClient: a request ends with the response head, or with a close before it. */
final class ReactorNettyOperationsInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.HTTP_CLIENT;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named("reactor.netty.http.client.HttpClientOperations");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        on(named("onInboundNext").arguments(2))
            .enter(call("reactorNettyResponse", THIS, argument(1))),
        on(named("onInboundClose").arguments(0)).enter(call("reactorNettyClosed", THIS)));
  }
}
