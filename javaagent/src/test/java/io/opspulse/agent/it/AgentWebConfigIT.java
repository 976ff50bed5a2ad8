package io.opspulse.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import io.opspulse.testkit.PrometheusServer;
import io.opspulse.testkit.TestPki;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code web.config.file}: the agent's endpoint behind the exporter's web-config (TLS with client
 * certificates, bcrypt basic auth, headers), scraped by the JDK client and by a real Prometheus; a
 * broken file leaves the service serving and the metrics unserved; without the setting nothing of
 * it loads.
 */
class AgentWebConfigIT {
  private static final String HTTP_SERVER_COUNT = "http_server_request_duration_seconds_count";
  private static final String PASSWORD = "s3cret-scrape";
  private static final int HELLOS = 7;

  @Test
  void theEndpointAnswersOnlyTheRightClientOverTlsAndPrometheusScrapesIt(@TempDir Path tmp)
      throws Exception {
    TestPki pki = TestPki.create(tmp.resolve("pki"));
    // Relative names resolve against the file's folder, as in the exporter.
    Path web =
        write(
            pki.file("web.yml"),
            """
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
          client_auth_type: RequireAndVerifyClientCert
          client_ca_file: ca.crt
        http_server_config:
          headers:
            X-Content-Type-Options: nosniff
        basic_auth_users:
          prometheus: %s
        """
                .formatted(BCrypt.withDefaults().hashToString(6, PASSWORD.toCharArray())));
    int app = Ports.freeLoopbackPort();
    int metrics = Ports.freeLoopbackPort();
    Path classes = tmp.resolve("classes.log");
    try (AgentApp hello =
        AgentApp.start(
            "web-config",
            AgentApp.JDK17_JAVA,
            "host=127.0.0.1,port="
                + metrics
                + ",state.dir="
                + tmp.resolve("state")
                + ",service=secured,web.config.file="
                + web,
            List.of("-Xlog:class+load=info:file=" + classes),
            AgentApp.appClasspath(),
            "io.opspulse.testapp.HelloApp",
            List.of(String.valueOf(app)),
            Map.of(),
            tmp.resolve("logs"))) {
      for (int i = 0; i < HELLOS; i++) {
        assertThat(Http.get("http://127.0.0.1:" + app + "/hello").body()).isEqualTo("hello");
      }
      assertThat(hello.log())
          .contains(
              "serving /metrics on 127.0.0.1:"
                  + metrics
                  + " over https ("
                  + web
                  + ": TLS (TLS12-TLS13, client certificates RequireAndVerifyClientCert), basic auth (1 user)");
      HttpClient client = pki.client(true);
      String url = "https://127.0.0.1:" + metrics;

      HttpResponse<String> ok =
          Poll.until(
              "the hellos on the protected endpoint",
              Duration.ofSeconds(20),
              () -> {
                HttpResponse<String> r = send(client, url + "/metrics", "prometheus", PASSWORD);
                return r.statusCode() == 200 && helloCount(Scrape.parseText(r.body())) == HELLOS
                    ? r
                    : null;
              });
      Scrape scrape = Scrape.parseText(ok.body());
      assertThat(ok.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(scrape.value("jvm_thread_count")).isPositive();
      assertThat(
              scrape.value(
                  "opspulse_agent_errors_total", Map.of("component", "prometheus-endpoint")))
          .isZero();

      HttpResponse<String> wrong = send(client, url + "/metrics", "prometheus", PASSWORD + "x");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
      assertThat(wrong.body()).doesNotContain("jvm_");
      assertThat(send(client, url + "/metrics", "someone", PASSWORD).statusCode()).isEqualTo(401);
      assertThat(send(client, url + "/metrics", null, null).statusCode()).isEqualTo(401);
      assertThat(send(client, url + "/", "prometheus", PASSWORD).statusCode())
          .as("no landing page")
          .isEqualTo(404);
      assertThat(send(client, url + "/-/healthy", "prometheus", PASSWORD).statusCode())
          .isEqualTo(404);
      assertThat(send(client, url + "/", null, null).statusCode())
          .as("every path is behind basic auth")
          .isEqualTo(401);

      HttpClient noCertificate = pki.client(false);
      assertThatThrownBy(
              () ->
                  noCertificate.send(
                      request(url + "/metrics", "prometheus", PASSWORD),
                      HttpResponse.BodyHandlers.ofString()))
          .as("refused in the TLS handshake")
          .isInstanceOf(IOException.class);
      String plain = Http.rawGet(metrics, "/metrics");
      assertThat(plain)
          .as("plain HTTP gets no HTTP answer, let alone metrics")
          .doesNotContain("HTTP/1.1")
          .doesNotContain("jvm_");

      try (PrometheusServer prometheus =
          PrometheusServer.builder()
              .scrape("placeholder", "127.0.0.1:" + app)
              .scrapeInterval("1s")
              .start()) {
        String target = "127.0.0.1:" + metrics;
        String tls =
            "    scheme: https\n    tls_config:\n      ca_file: "
                + pki.file("ca.crt")
                + "\n      cert_file: "
                + pki.file("client.crt")
                + "\n      key_file: "
                + pki.file("client.key")
                + "\n";
        reconfigure(
            prometheus,
            "scrape_configs:\n"
                + job("agent", target, tls, PASSWORD)
                + job("agent-wrong-password", target, tls, PASSWORD + "x"));
        double scraped =
            Poll.until(
                "Prometheus to scrape the hellos over https",
                Duration.ofSeconds(60),
                () ->
                    prometheus
                        .query(HTTP_SERVER_COUNT + "{job=\"agent\",http_route=\"/hello\"}")
                        .stream()
                        .map(PrometheusServer.Sample::value)
                        .filter(v -> v == HELLOS)
                        .findFirst()
                        .orElse(null));
        assertThat(scraped).isEqualTo(HELLOS);
        JsonNode wrongTarget =
            Poll.until(
                "the wrong-password job scraped",
                Duration.ofSeconds(30),
                () ->
                    prometheus.activeTargets().stream()
                        .filter(
                            t ->
                                t.path("labels")
                                    .path("job")
                                    .asText()
                                    .equals("agent-wrong-password"))
                        .filter(t -> !t.path("health").asText().equals("unknown"))
                        .findFirst()
                        .orElse(null));
        assertThat(wrongTarget.path("health").asText()).isEqualTo("down");
        assertThat(wrongTarget.path("lastError").asText()).contains("401");
      }
    }
    assertThat(Files.readString(classes))
        .as("the positive control of the class-loading check below")
        .contains(
            "io.opspulse.agent.core.WebConfigEndpoint",
            "io.opspulse.agent.shaded.io.opspulse.webconfig.");
  }

  @Test
  void aBrokenWebConfigLeavesTheServiceServingAndTheMetricsUnserved(@TempDir Path tmp)
      throws Exception {
    Path web = write(tmp.resolve("web.yml"), "basic_auth_users:\n  prometheus: hunter2\n");
    int app = Ports.freeLoopbackPort();
    int metrics = Ports.freeLoopbackPort();
    try (AgentApp hello =
        AgentApp.start(
            "web-config-broken",
            AgentApp.JDK17_JAVA,
            "",
            List.of("-Dopspulse.web.config.file=" + web),
            AgentApp.appClasspath(),
            "io.opspulse.testapp.HelloApp",
            List.of(String.valueOf(app)),
            Map.of(
                "OPSPULSE_PROMETHEUS_HOST",
                "127.0.0.1",
                "OPSPULSE_PROMETHEUS_PORT",
                String.valueOf(metrics),
                "OPSPULSE_STATE_DIR",
                tmp.resolve("state").toString()),
            tmp.resolve("logs"))) {
      for (int i = 0; i < 3; i++) {
        assertThat(Http.get("http://127.0.0.1:" + app + "/hello").body()).isEqualTo("hello");
      }
      assertThat(hello.process().isAlive()).isTrue();
      assertThat(hello.log())
          .contains(
              "no Prometheus endpoint: "
                  + web
                  + ":2: basic_auth_users.prometheus: not a bcrypt hash")
          .contains("the metrics are not served unprotected")
          .contains("prometheus-endpoint failed (contained; the application runs on)")
          .contains("started for service");
      assertThatThrownBy(() -> new Socket("127.0.0.1", metrics).close())
          .as("nothing listens on the agent's port")
          .isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void withoutTheSettingTheEndpointIsOpenTelemetrysAndNothingOfTheWebConfigLoads(@TempDir Path tmp)
      throws Exception {
    int app = Ports.freeLoopbackPort();
    int metrics = Ports.freeLoopbackPort();
    Path classes = tmp.resolve("classes.log");
    try (AgentApp hello =
        AgentApp.start(
            "web-config-absent",
            AgentApp.JDK17_JAVA,
            "host=127.0.0.1,port=" + metrics + ",state.dir=" + tmp.resolve("state"),
            List.of("-Xlog:class+load=info:file=" + classes),
            AgentApp.appClasspath(),
            "io.opspulse.testapp.HelloApp",
            List.of(String.valueOf(app)),
            Map.of(),
            tmp.resolve("logs"))) {
      Http.get("http://127.0.0.1:" + app + "/hello");
      Poll.untilTrue(
          "the hello on the plain endpoint",
          Duration.ofSeconds(20),
          () -> helloCount(Scrape.of(metrics)) == 1);
    }
    assertThat(Files.readString(classes))
        .doesNotContain("WebConfigEndpoint")
        .doesNotContain(".webconfig.")
        .doesNotContain("snakeyaml")
        .doesNotContain("at.favre");
  }

  private static double helloCount(Scrape scrape) {
    return scrape.value(HTTP_SERVER_COUNT, Map.of("http_route", "/hello"));
  }

  private static HttpRequest request(String url, String user, String password) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    if (user != null) {
      b.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    return b.build();
  }

  private static HttpResponse<String> send(
      HttpClient client, String url, String user, String password) {
    try {
      return client.send(request(url, user, password), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String job(String name, String target, String tls, String password) {
    return "  - job_name: '"
        + name
        + "'\n"
        + tls
        + "    basic_auth:\n      username: prometheus\n      password: '"
        + password
        + "'\n    static_configs:\n      - targets: ['"
        + target
        + "']\n";
  }

  /**
   * testkit's builder writes plain-HTTP jobs only; its Prometheus runs with --web.enable-lifecycle,
   * so the test rewrites the file Prometheus reports as its config.file and asks it to reload.
   */
  private static void reconfigure(PrometheusServer prometheus, String scrapeConfigs)
      throws Exception {
    Path file = Path.of(prometheus.api("/api/v1/status/flags").path("config.file").asText());
    String config = Files.readString(file);
    Files.writeString(file, config.substring(0, config.indexOf("scrape_configs:")) + scrapeConfigs);
    HttpResponse<String> reload =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(prometheus.url() + "/-/reload"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(reload.statusCode()).as("reload: " + reload.body()).isEqualTo(200);
  }

  private static Path write(Path file, String text) throws IOException {
    Files.writeString(file, text);
    return file;
  }
}
