package io.opspulse.agent.advice;

import io.netty.handler.codec.http.HttpResponse;
import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;
import reactor.netty.http.client.HttpClientInfos;

/**
 * Inlined into Reactor Netty's {@code HttpClientOperations.onInboundNext}: the response head ends
 * the exchange with its status (the body, if any, follows in later messages and is not timed).
 */
public final class ReactorNettyResponseAdvice {
  private ReactorNettyResponseAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(
      @Advice.This HttpClientInfos operations, @Advice.Argument(1) Object message) {
    if (message instanceof HttpResponse) {
      Hooks.asyncClientFinished(
          operations,
          operations.method().name(),
          operations.resourceUrl(),
          ((HttpResponse) message).status().code(),
          null);
    }
  }
}
