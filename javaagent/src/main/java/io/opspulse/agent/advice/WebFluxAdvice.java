package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import java.util.function.Consumer;
import net.bytebuddy.asm.Advice;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Inlined into Spring WebFlux's {@code ExceptionHandlingWebHandler.handle(ServerWebExchange)}, the
 * handler every request of a WebFlux server (Reactor Netty, or a servlet container through Spring's
 * adapter) passes through once its exchange exists, with the application's exception handlers
 * applied. The request ends when the returned Mono does: the advice hands it a callback for that.
 */
public final class WebFluxAdvice {
  private WebFluxAdvice() {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  @Advice.OnMethodExit(suppress = Throwable.class)
  public static void exit(
      @Advice.Argument(0) ServerWebExchange exchange,
      @Advice.Return(readOnly = false) Mono<Void> handled) {
    if (handled != null) {
      ServerHttpRequest request = exchange.getRequest();
      Consumer<Object> done =
          Hooks.reactiveServer(exchange, request.getMethod().name(), request.getURI().getScheme());
      if (done != null) {
        handled = handled.doFinally((Consumer) done);
      }
    }
  }
}
