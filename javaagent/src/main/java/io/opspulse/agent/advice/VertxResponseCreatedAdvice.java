package io.opspulse.agent.advice;

import io.netty.handler.codec.http.HttpRequest;
import io.opspulse.agent.bootstrap.Hooks;
import io.vertx.core.http.HttpConnection;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into the constructor of Vert.x's HTTP/1.x server response ({@code Http1xServerResponse}),
 * made when a request's head has been read: the request begins here, keyed by the response.
 */
public final class VertxResponseCreatedAdvice {
  private VertxResponseCreatedAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  public static void exit(
      @Advice.This Object response,
      @Advice.Argument(2) HttpConnection connection,
      @Advice.Argument(3) HttpRequest request) {
    Hooks.asyncServerStarted(
        response,
        request == null ? null : request.method().name(),
        connection != null && connection.isSsl() ? "https" : "http");
  }
}
