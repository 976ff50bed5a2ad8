package io.opspulse.agent.advice;

import com.sun.net.httpserver.HttpExchange;
import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code com.sun.net.httpserver.Filter.Chain.doFilter}, which runs every filter and then
 * the context's handler. Handlers themselves are often lambdas, which cannot be instrumented; the chain
 * always can. The outermost call on a thread spans the exchange. The agent's own endpoint is skipped.
 */
public final class HttpHandlerAdvice {
  private HttpHandlerAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static long enter() {
    return Hooks.serverEnter();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(@Advice.Enter long start, @Advice.Argument(0) HttpExchange exchange,
      @Advice.Thrown Throwable thrown) {
    String method = null;
    String context = null;
    String path = null;
    int status = 0;
    if (start >= 0) {
      try {
        if (!exchange.getHttpContext().getHandler().getClass().getName().startsWith("io.opspulse.agent.")) {
          method = exchange.getRequestMethod();
          context = exchange.getHttpContext().getPath();
          path = exchange.getRequestURI().getPath();
          status = exchange.getResponseCode();
        }
      } catch (Throwable t) {
        Hooks.failed("http-server", t);
      }
    }
    Hooks.serverExit(start, method, "", context, path, status, thrown);
  }
}
