package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import io.vertx.core.http.HttpServerRequest;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into the constructor of Vert.x's HTTP/2 server request ({@code Http2ServerRequest}, h2c
 * upgrades and TLS with ALPN), which creates its response: the request begins here, keyed by that
 * response.
 */
public final class VertxHttp2RequestAdvice {
  private VertxHttp2RequestAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  public static void exit(@Advice.This HttpServerRequest request) {
    Hooks.asyncServerStarted(request.response(), request.method().name(), request.scheme());
  }
}
