package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import java.net.HttpURLConnection;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code sun.net.www.protocol.http.HttpURLConnection.getInputStream}, which every way
 * of reading a response goes through. Only the call that performs the exchange is measured.
 */
public final class UrlConnectionAdvice {
  private UrlConnectionAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static long enter(@Advice.FieldValue("responseCode") int responseCode) {
    return Hooks.urlConnectionEnter(responseCode);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.Enter long start,
      @Advice.This HttpURLConnection connection,
      @Advice.FieldValue("responseCode") int responseCode,
      @Advice.Thrown Throwable thrown) {
    Hooks.urlConnectionExit(start, connection, responseCode, thrown);
  }
}
