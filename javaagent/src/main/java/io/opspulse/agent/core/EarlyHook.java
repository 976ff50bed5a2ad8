package io.opspulse.agent.core;

/**
 * A call into {@code Hooks} that registers the instance being made, woven by {@link EarlyHooks}
 * before every normal return of the methods an instrumentation's advice selects, in a class that
 * loads before ByteBuddy is ready. Each is the call its advice makes, in the same form; declared on
 * the advice ({@link TypeInstrumentation.MethodAdvice#early}). JDK types only: read at premain.
 */
enum EarlyHook {
  /** {@code Hooks.executorCreated(this)}: {@code ExecutorConstructorAdvice}. */
  EXECUTOR_CREATED,
  /** {@code Hooks.connectionPoolCreated(this, argument 0)}: {@code HikariPoolAdvice}. */
  HIKARI_POOL_CREATED,
  /**
   * {@code Hooks.connectionPoolOpened(the class's binary name, this)}: {@code
   * ConnectionPoolOpenedAdvice}.
   */
  POOL_OPENED,
  /** {@code Hooks.restartClassLoaderCreated(this)}: {@code RestartClassLoaderAdvice}. */
  RESTART_LOADER_CREATED
}
