package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/** Inlined into the ThreadPoolExecutor constructor every other constructor delegates to. */
public final class ExecutorConstructorAdvice {
  private ExecutorConstructorAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  public static void exit(@Advice.This Object executor) {
    Hooks.executorCreated(executor);
  }
}
