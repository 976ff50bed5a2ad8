package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into a pool's close ({@code HikariPool.shutdown}, Tomcat JDBC, DBCP2, Agroal): it stops
 * being reported.
 */
public final class ConnectionPoolClosedAdvice {
  private ConnectionPoolClosedAdvice() {}

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(@Advice.This Object pool) {
    Hooks.connectionPoolClosed(pool);
  }
}
