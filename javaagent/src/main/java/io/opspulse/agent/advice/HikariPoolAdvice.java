package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/** Inlined into the {@code com.zaxxer.hikari.pool.HikariPool(HikariConfig)} constructor. */
public final class HikariPoolAdvice {
  private HikariPoolAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  public static void exit(@Advice.This Object pool, @Advice.Argument(0) Object config) {
    Hooks.connectionPoolCreated(pool, config);
  }
}
