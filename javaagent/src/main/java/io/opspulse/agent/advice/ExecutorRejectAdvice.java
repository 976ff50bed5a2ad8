package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/** Inlined into ThreadPoolExecutor.reject, whatever the rejection policy does next. */
public final class ExecutorRejectAdvice {
  private ExecutorRejectAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.This Object executor) {
    Hooks.executorRejected(executor);
  }
}
