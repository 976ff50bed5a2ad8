package io.opspulse.agent.core;

import static io.opspulse.agent.core.HookArg.ENTER;
import static io.opspulse.agent.core.HookArg.THIS;
import static io.opspulse.agent.core.HookArg.THROWN;
import static io.opspulse.agent.core.HookCall.call;
import static io.opspulse.agent.core.MethodSpec.named;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/** The JDK's {@code HttpURLConnection} (http and https): one exchange per response read. */
final class UrlConnectionInstrumentation implements TypeInstrumentation {
  /**
   * {@code HttpURLConnection.responseCode}: -1 until a response was read, so a call that finds one
   * is not a new exchange.
   */
  private static final HookArg RESPONSE_CODE = HookArg.field("responseCode", "I");

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
    return List.of(
        on(named("getInputStream").arguments(0))
            .enter(call("urlConnectionEnter", RESPONSE_CODE).returningEnterValue())
            .exitOrThrow(call("urlConnectionExit", ENTER, THIS, RESPONSE_CODE, THROWN)));
  }
}
