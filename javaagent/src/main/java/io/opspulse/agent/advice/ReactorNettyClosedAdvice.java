package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;
import reactor.netty.http.client.HttpClientInfos;

/**
 * Inlined into Reactor Netty's {@code HttpClientOperations.onInboundClose}: a connection closed
 * before the response head ends the exchange as Reactor Netty reports it to the caller, a {@code
 * PrematureCloseException}. After a response it is no exchange of ours any more, and is ignored.
 */
public final class ReactorNettyClosedAdvice {
  private ReactorNettyClosedAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.This HttpClientInfos operations) {
    Hooks.asyncClientFinished(
        operations,
        operations.method().name(),
        operations.resourceUrl(),
        0,
        "reactor.netty.http.client.PrematureCloseException");
  }
}
