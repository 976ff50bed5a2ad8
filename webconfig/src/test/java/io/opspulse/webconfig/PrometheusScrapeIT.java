package io.opspulse.webconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opspulse.testkit.ManagedProcess;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import io.opspulse.testkit.TestPki;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's Prometheus scraping an endpoint protected by a web-config file, with the scrape settings
 * an operator would write: {@code scheme: https}, {@code tls_config} with the CA and a client
 * certificate, {@code basic_auth}. Only the job with everything right is up.
 */
class PrometheusScrapeIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void prometheusScrapesWithTlsClientCertificateAndBasicAuthAndNothingLess() throws Exception {
    TestPki pki = TestPki.create(dir);
    WebConfig web =
        WebConfig.load(
            TlsClients.write(
                dir,
                "web.yml",
                """
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
          client_auth_type: RequireAndVerifyClientCert
          client_ca_file: ca.crt
        basic_auth_users:
          prometheus: %s
        """
                    .formatted(BcryptTest.PROMETHEUS)));
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter.builder().name("opspulse_test_scrapes").help("test").register(registry).inc();
    HTTPServer.Builder b =
        HTTPServer.builder()
            .registry(registry)
            .inetAddress(InetAddress.getLoopbackAddress())
            .port(0)
            .executorService(BoundedExecutor.create(4));
    b.httpsConfigurator(web.httpsConfigurator().orElseThrow())
        .authenticator(web.authenticator().orElseThrow());
    try (HTTPServer server = b.buildAndStart()) {
      String target = "127.0.0.1:" + server.getPort();
      String tls = "    tls_config:\n      ca_file: " + pki.file("ca.crt") + "\n";
      String clientCert =
          "      cert_file: "
              + pki.file("client.crt")
              + "\n      key_file: "
              + pki.file("client.key")
              + "\n";
      String config =
          "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n"
              + job("good", target, tls + clientCert, "s3cret-scrape")
              + job("wrong-password", target, tls + clientCert, "s3cret-scrapf")
              + job("no-client-cert", target, tls, "s3cret-scrape")
              + job(
                  "stranger-cert",
                  target,
                  tls
                      + "      cert_file: "
                      + pki.file("stranger.crt")
                      + "\n      key_file: "
                      + pki.file("stranger.key")
                      + "\n",
                  "s3cret-scrape");
      Path configFile = TlsClients.write(dir, "prometheus.yml", config);
      int port = Ports.freeLoopbackPort();
      try (ManagedProcess prometheus =
          ManagedProcess.start(
              "prometheus",
              List.of(
                  "prometheus",
                  "--config.file=" + configFile,
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + port,
                  "--log.level=warn"),
              Map.of(),
              dir.resolve("prometheus.log"))) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, JsonNode> targets =
            Poll.until(
                "all four jobs scraped at least once",
                Duration.ofSeconds(60),
                () -> {
                  if (!prometheus.isAlive()) {
                    throw new IllegalStateException("prometheus exited: " + prometheus.logTail(20));
                  }
                  Map<String, JsonNode> byJob = new HashMap<>();
                  for (JsonNode t : api(http, port, "/api/v1/targets").path("activeTargets")) {
                    if (!t.path("health").asText().equals("unknown")) {
                      byJob.put(t.path("labels").path("job").asText(), t);
                    }
                  }
                  return byJob.size() == 4 ? byJob : null;
                });
        assertThat(targets.get("good").path("health").asText())
            .as(targets.get("good").toString())
            .isEqualTo("up");
        assertThat(targets.get("wrong-password").path("health").asText()).isEqualTo("down");
        assertThat(targets.get("wrong-password").path("lastError").asText()).contains("401");
        assertThat(targets.get("no-client-cert").path("health").asText()).isEqualTo("down");
        // Refused in the handshake (Go reports the closed TLS 1.3 connection as EOF), before basic
        // auth.
        assertThat(targets.get("no-client-cert").path("lastError").asText())
            .isNotEmpty()
            .doesNotContain("401");
        assertThat(targets.get("stranger-cert").path("health").asText()).isEqualTo("down");
        assertThat(targets.get("stranger-cert").path("lastError").asText())
            .isNotEmpty()
            .doesNotContain("401");

        JsonNode up =
            Poll.until(
                "up{job=\"good\"} in the TSDB",
                Duration.ofSeconds(30),
                () -> {
                  JsonNode result = api(http, port, "/api/v1/query?query=up").path("result");
                  return result.size() == 4 ? result : null;
                });
        Map<String, String> upByJob = new HashMap<>();
        up.forEach(
            s ->
                upByJob.put(
                    s.path("metric").path("job").asText(), s.path("value").get(1).asText()));
        assertThat(upByJob)
            .containsOnly(
                Map.entry("good", "1"),
                Map.entry("wrong-password", "0"),
                Map.entry("no-client-cert", "0"),
                Map.entry("stranger-cert", "0"));
        JsonNode scraped =
            api(http, port, "/api/v1/query?query=opspulse_test_scrapes_total").path("result");
        assertThat(scraped).hasSize(1);
        assertThat(scraped.get(0).path("metric").path("job").asText()).isEqualTo("good");
      }
    }
  }

  private static String job(String name, String target, String tlsConfig, String password) {
    return "  - job_name: '"
        + name
        + "'\n    scheme: https\n"
        + tlsConfig
        + "    basic_auth:\n      username: prometheus\n      password: '"
        + password
        + "'\n"
        + "    static_configs:\n      - targets: ['"
        + target
        + "']\n";
  }

  private static JsonNode api(HttpClient http, int port, String pathAndQuery) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(r.body()).path("data");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
