package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into Reactor Netty's {@code
 * HttpClientConnect.HttpClientHandler.requestWithBody(HttpClientOperations)}, which runs once per
 * request written (a redirect's too): the exchange begins, on the connection's operations.
 */
public final class ReactorNettyRequestAdvice {
  private ReactorNettyRequestAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.Argument(0) Object operations) {
    Hooks.asyncClientStarted(operations);
  }
}
