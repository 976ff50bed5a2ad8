package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;

/**
 * Inlined into {@code executeImmediate} of Apache HttpClient 5's async client ({@code
 * InternalAbstractHttpAsyncClient}), where every {@code execute} of {@code
 * CloseableHttpAsyncClient} hands its request to the exec chain: the chain's callback is swapped
 * for one that measures the exchange, retries and redirects included, until the response is
 * complete or failed.
 */
public final class ApacheHttpAsyncClient5Advice {
  private ApacheHttpAsyncClient5Advice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(
      @Advice.Argument(0) HttpRequest request,
      @Advice.Argument(2) AsyncExecChain.Scope scope,
      @Advice.Argument(value = 4, readOnly = false) AsyncExecCallback callback) {
    long start = Hooks.clientEnter();
    if (start < 0 || request == null || scope == null || scope.route == null) {
      return;
    }
    HttpHost target = scope.route.getTargetHost();
    callback =
        (AsyncExecCallback)
            Hooks.clientCallback(
                start,
                callback,
                AsyncExecCallback.class,
                request.getMethod(),
                target.getSchemeName(),
                target.getHostName(),
                target.getPort());
  }
}
