package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import javax.servlet.DispatcherType;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletMapping;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code javax.servlet.Servlet.service} and {@code Filter.doFilter} implementations. The
 * outermost of them on a thread spans the whole request, filters included; dispatches other than the
 * request's own (an error page's) are not requests of their own and are not recorded. Reads what it needs from the
 * servlet API here, where the types are visible, and passes plain values to {@link Hooks}.
 */
public final class JavaxServletAdvice {
  private JavaxServletAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static long enter() {
    return Hooks.serverEnter();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(@Advice.Enter long start, @Advice.Argument(0) ServletRequest request,
      @Advice.Argument(1) ServletResponse response, @Advice.Thrown Throwable thrown) {
    String method = null;
    String context = null;
    String pattern = null;
    String path = null;
    int status = 0;
    if (start >= 0) {
      try {
        boolean ownDispatch;
        try {
          // An ERROR dispatch (the container's /error page after a 404 or 500) runs after the request's own
          // chain returned, and the request was counted there: it is not a second request.
          ownDispatch = request.getDispatcherType() == DispatcherType.REQUEST;
        } catch (Throwable olderThanServlet3) {
          ownDispatch = true;
        }
        if (ownDispatch && request instanceof HttpServletRequest) {
          HttpServletRequest http = (HttpServletRequest) request;
          method = http.getMethod();
          context = http.getContextPath();
          path = http.getRequestURI();
          try {
            HttpServletMapping mapping = http.getHttpServletMapping();
            if (mapping != null) {
              pattern = mapping.getPattern();
            }
          } catch (Throwable olderThanServlet4) {
            pattern = null;
          }
        }
        if (response instanceof HttpServletResponse) {
          status = ((HttpServletResponse) response).getStatus();
        }
      } catch (Throwable t) {
        Hooks.failed("servlet", t);
      }
    }
    Hooks.serverExit(start, method, context, pattern, path, status, thrown);
  }
}
