package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into every {@code javax.servlet} and {@code jakarta.servlet} {@code Servlet.service} and
 * {@code Filter.doFilter} implementation. The outermost of them on a thread spans the whole
 * request, filters included. Request and response go to {@link Hooks} as they are: the agent reads
 * them through the servlet API of their own class loader ({@code ServletAccessor}), once the
 * application's handling returned and the framework has named the route.
 */
public final class ServletAdvice {
  private ServletAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static long enter() {
    return Hooks.serverEnter();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.Enter long start,
      @Advice.Argument(0) Object request,
      @Advice.Argument(1) Object response,
      @Advice.Thrown Throwable thrown) {
    Hooks.servletExit(start, request, response, thrown);
  }
}
