package io.opspulse.agent.advice;

import com.sun.net.httpserver.HttpExchange;
import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code com.sun.net.httpserver.Filter.Chain.doFilter}, which runs every filter and
 * then the context's handler. Handlers themselves are often lambdas, which cannot be instrumented;
 * the chain always can. The outermost call on a thread spans the exchange. The agent's own endpoint
 * is skipped.
 *
 * <p>The context is read on entry: the JDK keeps it on the connection, not the exchange, and once
 * the handler has sent its response the connection may already be serving the next keep-alive
 * request, whose context an exit-time read would see (a /hello then counted as the /orders that
 * followed it).
 */
public final class HttpHandlerAdvice {
  private HttpHandlerAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static long enter(
      @Advice.Argument(0) HttpExchange exchange, @Advice.Local("context") String context) {
    long start = Hooks.serverEnter();
    if (start >= 0) {
      try {
        com.sun.net.httpserver.HttpContext http = exchange.getHttpContext();
        if (!http.getHandler().getClass().getName().startsWith("io.opspulse.agent.")) {
          context = http.getPath();
        }
      } catch (Throwable t) {
        Hooks.failed("http-server", t);
      }
    }
    return start;
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.Enter long start,
      @Advice.Argument(0) HttpExchange exchange,
      @Advice.Local("context") String context,
      @Advice.Thrown Throwable thrown) {
    String method = null;
    String scheme = null;
    String route = context;
    int status = 0;
    if (start >= 0 && context != null) {
      try {
        // Method, URI and status belong to the exchange itself: safe to read after the response.
        method = exchange.getRequestMethod();
        scheme = exchange instanceof com.sun.net.httpserver.HttpsExchange ? "https" : "http";
        status = exchange.getResponseCode();
        // The context's path is the route the application registered (createContext), but for the
        // context "/", which takes every path no other context does: that names only "/" itself.
        if ("/".equals(context) && !"/".equals(exchange.getRequestURI().getPath())) {
          route = null;
        }
      } catch (Throwable t) {
        Hooks.failed("http-server", t);
      }
    }
    Hooks.serverExit(start, method, scheme, route, status, thrown);
  }
}
