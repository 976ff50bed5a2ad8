package io.opspulse.agent.core;

import static io.opspulse.agent.core.HookArg.argument;
import static io.opspulse.agent.core.HookCall.call;
import static io.opspulse.agent.core.MethodSpec.named;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/**
 * Apache HttpClient 5 async ({@code CloseableHttpAsyncClient} from {@code HttpAsyncClients}): the
 * base of its HTTP/1.1 and HTTP/2 clients hands each request to the exec chain in {@code
 * executeImmediate}.
 */
final class ApacheHttpAsyncClient5Instrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.HTTP_CLIENT;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named(
        "org.apache.hc.client5.http.impl.async.InternalAbstractHttpAsyncClient");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        on(named("executeImmediate")
                .arguments(5)
                .argument(0, "org.apache.hc.core5.http.HttpRequest")
                .argument(4, "org.apache.hc.client5.http.async.AsyncExecCallback"))
            .enter(
                call("apacheAsyncClient5Enter", argument(0), argument(2), argument(4))
                    .replacingArgument(4)));
  }
}
