package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code java.sql.Connection.prepareStatement/prepareCall}: remembers each statement's
 * SQL.
 */
public final class PrepareStatementAdvice {
  private PrepareStatementAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  public static void exit(@Advice.Argument(0) String sql, @Advice.Return Object statement) {
    Hooks.statementPrepared(statement, sql);
  }
}
