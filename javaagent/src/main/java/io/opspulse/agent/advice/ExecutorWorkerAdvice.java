package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/** Inlined into ThreadPoolExecutor.runWorker: once per worker thread, on that thread (names the pool). */
public final class ExecutorWorkerAdvice {
  private ExecutorWorkerAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.This Object executor) {
    Hooks.executorWorkerStarted(executor);
  }
}
