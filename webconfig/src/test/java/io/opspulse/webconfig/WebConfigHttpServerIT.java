package io.opspulse.webconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opspulse.testkit.TestPki;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real client_java HTTPServer on 127.0.0.1 configured from a web-config file, reached by the
 * JDK's HttpClient: TLS, client certificates, basic auth, headers, TLS versions, certificate
 * reload.
 */
class WebConfigHttpServerIT {
  @TempDir static Path dir;
  static TestPki pki;

  private HTTPServer server;

  @BeforeAll
  static void certificates() {
    pki = TestPki.create(dir);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private int serve(String webConfigYaml) throws Exception {
    WebConfig web = WebConfig.load(TlsClients.write(dir, "web.yml", webConfigYaml));
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter.builder().name("opspulse_test_scrapes").help("test").register(registry).inc();
    HTTPServer.Builder b =
        HTTPServer.builder()
            .registry(registry)
            .inetAddress(InetAddress.getLoopbackAddress())
            .port(0)
            .executorService(BoundedExecutor.create(4))
            .defaultHandler(new NotFoundHandler());
    web.httpsConfigurator().ifPresent(b::httpsConfigurator);
    web.authenticator().ifPresent(b::authenticator);
    server = b.buildAndStart();
    return server.getPort();
  }

  private static HttpResponse<String> get(
      HttpClient client, String url, String user, String password) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    if (user != null) {
      r.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void tlsWithBasicAuthServesMetricsOnlyToTheRightCredentials() throws Exception {
    int port =
        serve(
            """
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
        http_server_config:
          headers:
            X-Content-Type-Options: nosniff
            Strict-Transport-Security: max-age=31536000
        basic_auth_users:
          prometheus: %s
        """
                .formatted(BcryptTest.PROMETHEUS));
    HttpClient client = TlsClients.client(pki, null);
    String url = "https://127.0.0.1:" + port + "/metrics";

    HttpResponse<String> ok = get(client, url, "prometheus", "s3cret-scrape");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("opspulse_test_scrapes_total 1.0");
    assertThat(ok.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(ok.headers().firstValue("Strict-Transport-Security")).contains("max-age=31536000");

    for (String[] creds :
        new String[][] {{"prometheus", "wrong"}, {"mallory", "s3cret-scrape"}, {null, null}}) {
      HttpResponse<String> refused = get(client, url, creds[0], creds[1]);
      assertThat(refused.statusCode()).as(creds[0] + ":" + creds[1]).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate"))
          .contains("Basic realm=\"opspulse\", charset=\"UTF-8\"");
      assertThat(refused.body()).doesNotContain("opspulse_test_scrapes");
    }
    assertThat(
            get(client, "https://127.0.0.1:" + port + "/", "prometheus", "s3cret-scrape")
                .statusCode())
        .as("no landing page, no listing")
        .isEqualTo(404);
    assertThat(get(client, "https://127.0.0.1:" + port + "/etc/passwd", null, null).statusCode())
        .as("every path is behind the authenticator")
        .isEqualTo(401);
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(
            () ->
                get(plain, "http://127.0.0.1:" + port + "/metrics", "prometheus", "s3cret-scrape"))
        .as("plain HTTP to the TLS port")
        .isInstanceOf(IOException.class);
  }

  @Test
  void requireAndVerifyClientCertRefusesClientsWithoutACertificateFromTheCa() throws Exception {
    int port =
        serve(
            """
        tls_server_config:
          cert_file: server-ec.crt
          key_file: server-ec.key
          client_auth_type: RequireAndVerifyClientCert
          client_ca_file: ca.crt
        """);
    String url = "https://127.0.0.1:" + port + "/metrics";
    assertThat(get(TlsClients.client(pki, "client"), url, null, null).statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> get(TlsClients.client(pki, null), url, null, null))
        .as("no client certificate")
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> get(TlsClients.client(pki, "stranger"), url, null, null))
        .as("a client certificate from another CA")
        .isInstanceOf(IOException.class);
  }

  @Test
  void clientAllowedSansRefusesACertificateFromTheCaWithoutTheSan() throws Exception {
    String yaml =
        """
        tls_server_config:
          cert_file: server.crt
          key_file: server-pkcs1.key
          client_auth_type: RequireAndVerifyClientCert
          client_ca_file: ca.crt
          client_allowed_sans: [%s]
        """;
    int port = serve(yaml.formatted("\"spiffe://opspulse/prometheus\""));
    assertThat(
            get(
                    TlsClients.client(pki, "client"),
                    "https://127.0.0.1:" + port + "/metrics",
                    null,
                    null)
                .statusCode())
        .isEqualTo(200);
    server.close();
    int other = serve(yaml.formatted("grafana.example"));
    assertThatThrownBy(
            () ->
                get(
                    TlsClients.client(pki, "client"),
                    "https://127.0.0.1:" + other + "/metrics",
                    null,
                    null))
        .isInstanceOf(IOException.class);
  }

  @Test
  void minVersionRefusesOlderProtocols() throws Exception {
    int port =
        serve(
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS13\n");
    String url = "https://127.0.0.1:" + port + "/metrics";
    HttpResponse<String> r = get(TlsClients.client(pki, null, "TLSv1.3"), url, null, null);
    assertThat(r.sslSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.3");
    assertThatThrownBy(() -> get(TlsClients.client(pki, null, "TLSv1.2"), url, null, null))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aRenewedCertificateIsServedWithoutARestart() throws Exception {
    Files.copy(
        pki.file("server.crt"),
        dir.resolve("live.crt"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        pki.file("server.key"),
        dir.resolve("live.key"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    int port = serve("tls_server_config:\n  cert_file: live.crt\n  key_file: live.key\n");
    String url = "https://127.0.0.1:" + port + "/metrics";
    X509Certificate before =
        (X509Certificate)
            get(TlsClients.client(pki, null), url, null, null)
                .sslSession()
                .orElseThrow()
                .getPeerCertificates()[0];
    // Renewal: a new key and certificate, written over the old files (the modification time may not
    // move
    // within the file system's resolution; the size and inode of the new files differ).
    Files.copy(pki.file("server-ec.key"), dir.resolve("live.key.new"));
    Files.copy(pki.file("server-ec.crt"), dir.resolve("live.crt.new"));
    Files.move(
        dir.resolve("live.key.new"),
        dir.resolve("live.key"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.move(
        dir.resolve("live.crt.new"),
        dir.resolve("live.crt"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    X509Certificate after =
        (X509Certificate)
            get(TlsClients.client(pki, null), url, null, null)
                .sslSession()
                .orElseThrow()
                .getPeerCertificates()[0];
    assertThat(before.getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(after.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
  }

  @Test
  void basicAuthWithoutTlsAndTheRateLimit() throws Exception {
    int port =
        serve(
            """
        basic_auth_users:
          prometheus: %s
        rate_limit:
          interval: 1h
          burst: 2
        """
                .formatted(BcryptTest.PROMETHEUS));
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String url = "http://127.0.0.1:" + port + "/metrics";
    assertThat(get(client, url, "prometheus", "s3cret-scrape").statusCode()).isEqualTo(200);
    assertThat(get(client, url, "prometheus", "wrong").statusCode()).isEqualTo(401);
    assertThat(get(client, url, "prometheus", "s3cret-scrape").statusCode())
        .as("burst spent")
        .isEqualTo(429);
  }
}
