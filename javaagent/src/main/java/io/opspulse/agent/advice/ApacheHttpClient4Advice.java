package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import java.net.URI;
import net.bytebuddy.asm.Advice;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.HttpResponse;
import org.apache.http.client.methods.HttpUriRequest;

/**
 * Inlined into {@code doExecute(HttpHost, HttpRequest, HttpContext)} of Apache HttpClient 4's
 * classic clients ({@code InternalHttpClient}, {@code MinimalHttpClient}), which every {@code
 * execute} overload calls.
 */
public final class ApacheHttpClient4Advice {
  private ApacheHttpClient4Advice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static long enter() {
    return Hooks.clientEnter();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.Enter long start,
      @Advice.Argument(0) HttpHost target,
      @Advice.Argument(1) HttpRequest request,
      @Advice.Return HttpResponse response,
      @Advice.Thrown Throwable thrown) {
    if (start < 0) {
      return;
    }
    String scheme = null;
    String host = null;
    int port = -1;
    if (target != null) {
      scheme = target.getSchemeName();
      host = target.getHostName();
      port = target.getPort();
    } else if (request instanceof HttpUriRequest) {
      URI uri = ((HttpUriRequest) request).getURI();
      scheme = uri.getScheme();
      host = uri.getHost();
      port = uri.getPort();
    }
    Hooks.clientExchange(
        start,
        request == null ? null : request.getRequestLine().getMethod(),
        scheme,
        host,
        port,
        response == null || response.getStatusLine() == null
            ? 0
            : response.getStatusLine().getStatusCode(),
        thrown);
  }
}
