package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code java.net.http.HttpClient.send} of the JDK's client facade. */
public final class HttpClientSendAdvice {
  private HttpClientSendAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static long enter() {
    return Hooks.clientEnter();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.Enter long start,
      @Advice.Argument(0) Object request,
      @Advice.Return Object response,
      @Advice.Thrown Throwable thrown) {
    Hooks.httpClientExit(start, request, response, thrown);
  }
}
