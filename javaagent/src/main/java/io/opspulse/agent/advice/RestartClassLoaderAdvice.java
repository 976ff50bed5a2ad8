package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into Spring Boot DevTools' RestartClassLoader constructors: one per (re)start of the app.
 */
public final class RestartClassLoaderAdvice {
  private RestartClassLoaderAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  public static void exit(@Advice.This Object loader) {
    Hooks.restartClassLoaderCreated(loader);
  }
}
