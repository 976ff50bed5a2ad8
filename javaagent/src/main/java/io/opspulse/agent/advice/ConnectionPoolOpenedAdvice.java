package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/**
 * Inlined where a Tomcat JDBC, DBCP2 or Agroal pool starts; the instrumented class's name says
 * which library it is. DBCP2's {@code createDataSource} runs on every borrow: the registry keeps
 * the first sighting.
 */
public final class ConnectionPoolOpenedAdvice {
  private ConnectionPoolOpenedAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  public static void exit(@Advice.This Object pool, @Advice.Origin("#t") String poolClass) {
    Hooks.connectionPoolOpened(poolClass, pool);
  }
}
