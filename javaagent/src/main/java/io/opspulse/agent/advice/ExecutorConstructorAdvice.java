package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into thread pools' constructors: the JDK ThreadPoolExecutor's that every other one
 * delegates to, every constructor of ForkJoinPool, Tomcat's and Jetty's pools, and XNIO's worker (a
 * pool reported by several chained constructors is registered once).
 */
public final class ExecutorConstructorAdvice {
  private ExecutorConstructorAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  public static void exit(@Advice.This Object executor) {
    Hooks.executorCreated(executor);
  }
}
