package io.opspulse.webconfig;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The per-request half of a web-config, as a JDK {@link Authenticator} (client_java's {@code
 * HTTPServer.builder().authenticator(...)}, OpenTelemetry's {@code setAuthenticator(...)}): sets
 * the configured response headers, applies the rate limit (429), then basic auth (401 with {@code
 * WWW-Authenticate}). Runs before the handler, for every path the server serves.
 */
final class WebAuthenticator extends Authenticator {
  static final String REALM = "opspulse";

  private final Map<String, String> headers;
  private final @Nullable TokenBucket limiter; // null: no rate limit
  private final @Nullable BasicAuthVerifier verifier; // null: no basic auth

  WebAuthenticator(
      Map<String, String> headers,
      @Nullable TokenBucket limiter,
      @Nullable BasicAuthVerifier verifier) {
    this.headers = Map.copyOf(headers);
    this.limiter = limiter;
    this.verifier = verifier;
  }

  @Override
  public Result authenticate(HttpExchange exchange) {
    headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    if (limiter != null && !limiter.tryAcquire()) {
      return new Failure(429);
    }
    BasicAuthVerifier verifier = this.verifier;
    if (verifier == null) {
      return new Success(new HttpPrincipal("", REALM));
    }
    String user = credentials(exchange.getRequestHeaders().getFirst("Authorization"), verifier);
    if (user != null) {
      return new Success(new HttpPrincipal(user, REALM));
    }
    exchange
        .getResponseHeaders()
        .set("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
    return new Failure(401);
  }

  /** The user when the Authorization header holds valid credentials, else null. */
  private static @Nullable String credentials(@Nullable String header, BasicAuthVerifier verifier) {
    if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(header.substring(6).strip());
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = -1;
    for (int i = 0; i < decoded.length; i++) {
      if (decoded[i] == ':') {
        colon = i;
        break;
      }
    }
    if (colon < 0) {
      return null;
    }
    String user = new String(decoded, 0, colon, StandardCharsets.UTF_8);
    byte[] password = java.util.Arrays.copyOfRange(decoded, colon + 1, decoded.length);
    try {
      return verifier.verify(user, password) ? user : null;
    } finally {
      java.util.Arrays.fill(password, (byte) 0);
      java.util.Arrays.fill(decoded, (byte) 0);
    }
  }

  @Nullable BasicAuthVerifier verifier() {
    return verifier;
  }
}
