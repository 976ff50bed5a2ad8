package io.opspulse.agent.advice;

import io.opspulse.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.net.URIAuthority;

/**
 * Inlined into {@code doExecute(HttpHost, ClassicHttpRequest, HttpContext)} of Apache HttpClient
 * 5's classic clients ({@code InternalHttpClient}, {@code MinimalHttpClient}), which every {@code
 * execute} overload calls: one exchange, retries and redirects included, until the response head is
 * in.
 */
public final class ApacheHttpClient5Advice {
  private ApacheHttpClient5Advice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static long enter() {
    return Hooks.clientEnter();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.Enter long start,
      @Advice.Argument(0) HttpHost target,
      @Advice.Argument(1) ClassicHttpRequest request,
      @Advice.Return ClassicHttpResponse response,
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
    } else if (request != null) {
      // No target: the request carries an absolute URI.
      scheme = request.getScheme();
      URIAuthority authority = request.getAuthority();
      if (authority != null) {
        host = authority.getHostName();
        port = authority.getPort();
      }
    }
    Hooks.clientExchange(
        start,
        request == null ? null : request.getMethod(),
        scheme,
        host,
        port,
        response == null ? 0 : response.getCode(),
        thrown);
  }
}
