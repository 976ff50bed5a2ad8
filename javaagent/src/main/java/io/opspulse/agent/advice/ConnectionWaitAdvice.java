package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into the one method of each pool that every borrow goes through ({@code
 * HikariPool.getConnection(long)}, Tomcat JDBC's {@code ConnectionPool.borrowConnection}, DBCP2's
 * {@code BasicDataSource.getConnection()}, Agroal's {@code ConnectionPool.getConnection()}): the
 * time a caller waits for a connection, timeouts included.
 */
public final class ConnectionWaitAdvice {
  private ConnectionWaitAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static long enter() {
    return Hooks.connectionWaitEnter();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.Enter long start, @Advice.This Object pool, @Advice.Thrown Throwable thrown) {
    Hooks.connectionWaitExit(start, pool, thrown);
  }
}
