package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import io.vertx.core.http.HttpServerResponse;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into the method every {@code end(...)} of Vert.x's HTTP/1.x server response goes through,
 * and into its file sending, and into every end and sendFile of the HTTP/2 response: the request
 * ends with the status the application set.
 */
public final class VertxResponseEndAdvice {
  private VertxResponseEndAdvice() {}

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(@Advice.This HttpServerResponse response) {
    Hooks.asyncServerFinished(response, response.getStatusCode());
  }
}
