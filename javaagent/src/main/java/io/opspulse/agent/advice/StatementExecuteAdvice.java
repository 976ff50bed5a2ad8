package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code java.sql.Statement.execute*(..)} implementations; the outermost call is
 * measured.
 */
public final class StatementExecuteAdvice {
  private StatementExecuteAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static long enter(@Advice.This Object statement) {
    return Hooks.dbEnter(statement);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.Enter long start,
      @Advice.This Object statement,
      @Advice.AllArguments Object[] arguments,
      @Advice.Origin("#m") String method,
      @Advice.Thrown Throwable thrown) {
    String sql = null;
    if (start >= 0) {
      if (arguments.length > 0 && arguments[0] instanceof String) {
        sql = (String) arguments[0];
      } else if (method.endsWith("Batch")) {
        sql = "BATCH";
      }
    }
    Hooks.dbExit(start, statement, sql, thrown);
  }
}
