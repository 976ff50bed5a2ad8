package io.opspulse.agent.core;

import static io.opspulse.agent.core.HookArg.THIS;
import static io.opspulse.agent.core.HookArg.argument;
import static io.opspulse.agent.core.HookCall.call;
import static io.opspulse.agent.core.MethodSpec.constructor;
import static io.opspulse.agent.core.MethodSpec.named;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/**
 * Vert.x's HTTP/1.x server (Vert.x 5; HTTP/2 in {@link VertxHttp2RequestInstrumentation}): a
 * request runs from its response's creation to the response's end, whichever thread ends it. Vert.x
 * core names no route.
 */
final class VertxHttp1ResponseInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.HTTP_SERVER;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named("io.vertx.core.http.impl.Http1xServerResponse");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        on(constructor()
                .arguments(6)
                .argument(2, "io.vertx.core.http.impl.Http1xServerConnection")
                .argument(3, "io.netty.handler.codec.http.HttpRequest"))
            .exit(call("vertxResponseCreated", THIS, argument(2), argument(3))),
        on(named("end").arguments(2).argument(0, "io.vertx.core.buffer.Buffer"))
            .exitOrThrow(call("vertxResponseEnd", THIS)),
        on(named("sendFileInternal")).exitOrThrow(call("vertxResponseEnd", THIS)));
  }
}
