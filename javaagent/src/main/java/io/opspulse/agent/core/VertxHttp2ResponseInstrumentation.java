package io.opspulse.agent.core;

import static io.opspulse.agent.core.HookArg.THIS;
import static io.opspulse.agent.core.HookCall.call;
import static io.opspulse.agent.core.MethodSpec.named;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/**
 * Vert.x's HTTP/2 server response: every {@code end(...)} and {@code sendFile(...)} ends the
 * request {@link VertxHttp2RequestInstrumentation} began (the innermost call records it, the others
 * find it gone).
 */
final class VertxHttp2ResponseInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.HTTP_SERVER;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named("io.vertx.core.http.impl.Http2ServerResponse");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(on(named("end", "sendFile")).exitOrThrow(call("vertxResponseEnd", THIS)));
  }
}
