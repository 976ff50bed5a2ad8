package io.opspulse.agent.core;

import static io.opspulse.agent.core.MethodSpec.named;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/** The JDK's {@code HttpURLConnection} (http and https): one exchange per response read. */
final class UrlConnectionInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.HTTP_CLIENT;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named("sun.net.www.protocol.http.HttpURLConnection");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(on(named("getInputStream").arguments(0), "UrlConnectionAdvice"));
  }
}
