package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into runWorker of ThreadPoolExecutor, Tomcat's copy of it and ForkJoinPool: once per
 * worker thread, on that thread (its name names the pool).
 */
public final class ExecutorWorkerAdvice {
  private ExecutorWorkerAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.This Object executor) {
    Hooks.executorWorkerStarted(executor);
  }
}
