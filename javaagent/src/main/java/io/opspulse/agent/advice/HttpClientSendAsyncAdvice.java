package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code java.net.http.HttpClient.sendAsync}: the exchange ends when the future does.
 */
public final class HttpClientSendAsyncAdvice {
  private HttpClientSendAsyncAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static long enter() {
    return Hooks.clientEnter();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.Enter long start,
      @Advice.Argument(0) Object request,
      @Advice.Return Object future,
      @Advice.Thrown Throwable thrown) {
    Hooks.httpClientAsync(start, request, future, thrown);
  }
}
