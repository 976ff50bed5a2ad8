package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code com.zaxxer.hikari.pool.HikariPool.getConnection(long)}, which every borrow goes
 * through (the no-argument overload calls it): the time a caller waits for a connection, timeouts included.
 */
public final class HikariGetConnectionAdvice {
  private HikariGetConnectionAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static long enter() {
    return Hooks.connectionWaitEnter();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(@Advice.Enter long start, @Advice.This Object pool, @Advice.Thrown Throwable thrown) {
    Hooks.connectionWaitExit(start, pool, thrown);
  }
}
