package io.opspulse.webconfig;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * A Prometheus exporter-toolkit web-config file ({@code --web.config.file}), applied to a JDK
 * {@code com.sun.net.httpserver} server:
 *
 * <pre>{@code
 * WebConfig web = WebConfig.load(Path.of("web-config.yml"));   // WebConfigException: file:line: key: what
 * HTTPServer.Builder b = HTTPServer.builder().registry(registry).port(9838)
 *     .executorService(BoundedExecutor.create(4))
 *     .defaultHandler(new NotFoundHandler());
 * web.httpsConfigurator().ifPresent(b::httpsConfigurator);
 * web.authenticator().ifPresent(b::authenticator);
 * }</pre>
 *
 * <p>{@link #load} reads and checks everything, certificates and keys included, so a bad file fails
 * at startup rather than at the first scrape. Immutable; {@link #httpsConfigurator()} and {@link
 * #authenticator()} build fresh objects on each call.
 */
public final class WebConfig {
  private final String name;
  private final Optional<TlsServerConfig> tls;
  private final HttpServerConfig http;
  private final Map<String, String> users;
  private final Optional<RateLimit> rateLimit;
  private final Optional<SSLContext> sslContext;

  WebConfig(
      String name,
      Optional<TlsServerConfig> tls,
      HttpServerConfig http,
      Map<String, String> users,
      Optional<RateLimit> rateLimit) {
    this.name = name;
    this.tls = tls;
    this.http = http;
    this.users = Map.copyOf(users);
    this.rateLimit = rateLimit;
    this.sslContext = tls.map(t -> TlsContexts.sslContext(name, t));
  }

  /** Reads and checks a web-config file; relative file names in it are relative to its folder. */
  public static WebConfig load(Path file) {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      // A file that could be opened is not the root folder, so its absolute path has a parent.
      Path dir = Objects.requireNonNull(file.toAbsolutePath().getParent());
      return WebConfigParser.parse(file.toString(), r, dir);
    } catch (IOException e) {
      throw new WebConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Parses web-config text; {@code name} is used in messages, {@code baseDir} resolves relative
   * files.
   */
  public static WebConfig parse(String name, String yaml, Path baseDir) {
    return WebConfigParser.parse(name, new StringReader(yaml), baseDir);
  }

  /** No TLS, no authentication: what serving without {@code --web.config.file} means. */
  public static WebConfig none() {
    return new WebConfig(
        "(none)", Optional.empty(), HttpServerConfig.DEFAULT, Map.of(), Optional.empty());
  }

  public Optional<TlsServerConfig> tls() {
    return tls;
  }

  public HttpServerConfig http() {
    return http;
  }

  /** The basic-auth user names (their hashes stay inside). */
  public Set<String> users() {
    return users.keySet();
  }

  public Optional<RateLimit> rateLimit() {
    return rateLimit;
  }

  /**
   * Present when {@code tls_server_config} configures a certificate: the server must then be an
   * HttpsServer.
   */
  public Optional<HttpsConfigurator> httpsConfigurator() {
    return sslContext.map(
        context ->
            new HttpsConfigurator(context) {
              @Override
              public void configure(HttpsParameters params) {
                params.setSSLParameters(TlsContexts.parameters(getSSLContext(), tls.orElseThrow()));
              }
            });
  }

  /** Present when the file sets basic-auth users, response headers or a rate limit. */
  public Optional<Authenticator> authenticator() {
    if (users.isEmpty() && http.headers().isEmpty() && rateLimit.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new WebAuthenticator(
            http.headers(),
            rateLimit.map(r -> new TokenBucket(r, System::nanoTime)).orElse(null),
            users.isEmpty() ? null : new BasicAuthVerifier(users)));
  }

  /**
   * The scheme the server speaks with this configuration: what a Prometheus scrape config needs.
   */
  public String scheme() {
    return tls.isPresent() ? "https" : "http";
  }

  /**
   * One line for the startup log, e.g. "TLS (TLS12-TLS13, client certificates
   * RequireAndVerifyClientCert), basic auth (2 users)".
   */
  public String describe() {
    List<String> parts = new ArrayList<>();
    tls.ifPresentOrElse(
        t ->
            parts.add(
                "TLS ("
                    + t.minVersion()
                    + "-"
                    + t.maxVersion()
                    + ", client certificates "
                    + t.clientAuth().configName()
                    + ")"),
        () -> parts.add("no TLS"));
    parts.add(
        users.isEmpty()
            ? "no basic auth"
            : "basic auth (" + users.size() + (users.size() == 1 ? " user)" : " users)"));
    rateLimit.ifPresent(
        r -> parts.add("rate limit (1 per " + r.interval() + ", burst " + r.burst() + ")"));
    if (!http.http2()) {
      parts.add("http2 off (the JDK server speaks HTTP/1.1 only)");
    }
    return name + ": " + String.join(", ", parts);
  }

  @Override
  public String toString() {
    return describe();
  }
}
