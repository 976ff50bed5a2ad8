package io.opspulse.agent.core;

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
        on(named("send").arguments(2), "HttpClientSendAdvice"),
        on(named("sendAsync").arguments(2, 3), "HttpClientSendAsyncAdvice"));
  }
}
