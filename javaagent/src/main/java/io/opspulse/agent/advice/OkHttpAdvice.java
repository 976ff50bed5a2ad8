package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Inlined into OkHttp's {@code RealCall.getResponseWithInterceptorChain}, which both {@code
 * execute()} and an {@code enqueue}d call's dispatcher thread run: one call, retries and redirects
 * included, until the response head is in. The call's own request is read, not a redirect's.
 */
public final class OkHttpAdvice {
  private OkHttpAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static long enter() {
    return Hooks.clientEnter();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.Enter long start,
      @Advice.FieldValue("originalRequest") Request request,
      @Advice.Return Response response,
      @Advice.Thrown Throwable thrown) {
    if (start < 0 || request == null) {
      return;
    }
    HttpUrl url = request.url();
    Hooks.clientExchange(
        start,
        request.method(),
        url.scheme(),
        url.host(),
        url.port(),
        response == null ? 0 : response.code(),
        thrown);
  }
}
