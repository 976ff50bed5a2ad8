package io.opspulse.agent.core;

import static io.opspulse.agent.core.HookArg.THIS;
import static io.opspulse.agent.core.HookCall.call;
import static io.opspulse.agent.core.MethodSpec.constructor;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/**
 * Vert.x's HTTP/2 server (a JDK HttpClient's h2c upgrade lands here): a request begins when its
 * request object, and with it its response, is made; {@link VertxHttp2ResponseInstrumentation} ends
 * it.
 */
final class VertxHttp2RequestInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.HTTP_SERVER;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named("io.vertx.core.http.impl.Http2ServerRequest");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        on(constructor().arguments(3).argument(0, "io.vertx.core.http.impl.Http2ServerStream"))
            .exit(call("vertxHttp2Request", THIS)));
  }
}
