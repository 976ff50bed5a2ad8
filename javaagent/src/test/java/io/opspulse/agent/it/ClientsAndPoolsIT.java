package io.opspulse.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import java.io.File;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client libraries and pools beside the JDK's, on JDK 17 and 25, from the jars Maven Central
 * serves ({@code LibrariesApp}): Apache HttpClient 5 (classic and async) and 4, OkHttp 4 (execute
 * and enqueue) and Reactor Netty each call their own loopback dependency 10 times, 3 answered 503,
 * and OkHttp and HttpClient 5 async a closed port twice; HikariCP, Tomcat JDBC, DBCP2 and Agroal
 * pools on H2 each borrow twice and keep one connection, then the HikariCP pool is closed and must
 * leave the scrape.
 */
class ClientsAndPoolsIT {
  private static final String HTTP_CLIENT = "http_client_request_duration_seconds_count";
  static final Path LIBRARY_LIBS =
      Path.of(System.getProperty("opspulse.library.libs", "target/library-libs"));

  /** Client under test → index of its dependency server (its own loopback address). */
  private static final Map<String, Integer> CLIENTS =
      Map.of(
          "hc5", 0, "hc4", 1, "okhttp", 2, "okhttp-async", 3, "reactor-netty", 4, "hc5-async", 5);

  /** Pool name → its maximum size, as LibrariesApp configures them. */
  private static final Map<String, Integer> POOLS =
      Map.of("closing-hikari", 4, "tomcat-orders", 6, "h2:mem:dbcp", 7, "h2:mem:agroal", 8);

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.opspulse.agent.it.AgentApp#jdks")
  void everyLibraryIsMeasuredWithTheValuesItCaused(Path java, @TempDir Path tmp) throws Exception {
    AgentApp.requireJdk(java);
    int port = Ports.freeLoopbackPort();
    int metrics = Ports.freeLoopbackPort();
    int closed = Ports.freeLoopbackPort();
    int closedForAsync = Ports.freeLoopbackPort();
    String classpath =
        AgentApp.appClasspath() + File.pathSeparator + LIBRARY_LIBS.toAbsolutePath() + "/*";
    try (DependencyServers deps =
            new DependencyServers(
                "127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6");
        AgentApp app =
            AgentApp.start(
                "libraries-" + java.getParent().getParent().getFileName(),
                java,
                "host=127.0.0.1,port="
                    + metrics
                    + ",state.dir="
                    + tmp.resolve("state")
                    + ",histogram.buckets=semconv",
                List.of(),
                classpath,
                "io.opspulse.testapp.LibrariesApp",
                List.of(String.valueOf(port)),
                Map.of(
                    "OTEL_SERVICE_NAME",
                    "libraries",
                    "OTEL_RESOURCE_ATTRIBUTES",
                    "deployment.environment.name=lab,team=payments%20core"),
                tmp.resolve("logs"))) {
      String base = "http://127.0.0.1:" + port;
      for (Map.Entry<String, Integer> client : CLIENTS.entrySet()) {
        assertThat(call(base, client.getKey(), deps.url(client.getValue()), 10, 3))
            .as(client.getKey())
            .containsOnly("200", "503")
            .hasSize(10);
      }
      assertThat(call(base, "okhttp", "http://127.0.0.1:" + closed + "/dep", 2, 0))
          .containsOnly("-1")
          .hasSize(2);
      assertThat(call(base, "hc5-async", "http://127.0.0.1:" + closedForAsync + "/dep", 2, 0))
          .containsOnly("-1")
          .hasSize(2);
      assertThat(Http.get(base + "/pools/open").body()).isEqualTo("opened");

      Scrape scrape =
          Poll.until(
              "every client call and pool to show",
              Duration.ofSeconds(20),
              () -> {
                Scrape s = Scrape.of(metrics);
                double calls =
                    s.named(HTTP_CLIENT).stream().mapToDouble(Scrape.Sample::value).sum();
                return calls >= 64 && s.named("db_client_connection_max").size() >= 4 ? s : null;
              });
      SoftAssertions soft = new SoftAssertions();
      for (Map.Entry<String, Integer> client : CLIENTS.entrySet()) {
        String address = "127.0.0." + (client.getValue() + 1);
        String serverPort = String.valueOf(deps.port(client.getValue()));
        Map<String, String> target =
            Map.of(
                "server_address", address, "server_port", serverPort, "http_request_method", "GET");
        soft.assertThat(scrape.value(HTTP_CLIENT, with(target, "http_response_status_code", "200")))
            .as(client.getKey() + " successes")
            .isEqualTo(7);
        soft.assertThat(
                scrape.value(
                    HTTP_CLIENT,
                    with(with(target, "http_response_status_code", "503"), "error_type", "503")))
            .as(client.getKey() + " failures")
            .isEqualTo(3);
        soft.assertThat(
                scrape.value(
                    HTTP_CLIENT, Map.of("server_address", address, "server_port", serverPort)))
            .as(client.getKey() + ": each call once")
            .isEqualTo(10);
      }
      soft.assertThat(
              scrape.value(
                  HTTP_CLIENT,
                  Map.of(
                      "server_address",
                      "127.0.0.1",
                      "server_port",
                      String.valueOf(closed),
                      "error_type",
                      "java.net.ConnectException")))
          .as("refused connections")
          .isEqualTo(2);
      soft.assertThat(
              scrape.value(
                  HTTP_CLIENT,
                  Map.of(
                      "server_address",
                      "127.0.0.1",
                      "server_port",
                      String.valueOf(closedForAsync),
                      "error_type",
                      "org.apache.hc.client5.http.HttpHostConnectException")))
          .as("refused connections, Apache HttpClient 5 async")
          .isEqualTo(2);

      for (Map.Entry<String, Integer> pool : POOLS.entrySet()) {
        Map<String, String> name = Map.of("db_client_connection_pool_name", pool.getKey());
        soft.assertThat(scrape.value("db_client_connection_max", name))
            .as(pool.getKey() + " max")
            .isEqualTo(pool.getValue().doubleValue());
        soft.assertThat(
                scrape.value(
                    "db_client_connection_count", with(name, "db_client_connection_state", "used")))
            .as(pool.getKey() + " used")
            .isEqualTo(1);
        soft.assertThat(
                scrape.value(
                    "db_client_connection_count", with(name, "db_client_connection_state", "idle")))
            .as(pool.getKey() + " idle")
            .isBetween(0.0, pool.getValue() - 1.0);
        soft.assertThat(scrape.value("db_client_connection_pending_requests", name))
            .as(pool.getKey() + " pending")
            .isEqualTo(0);
        soft.assertThat(scrape.value("db_client_connection_wait_time_seconds_count", name))
            .as(pool.getKey() + " borrows")
            .isEqualTo(2);
      }
      soft.assertThat(
              scrape.value(
                  "db_client_operation_duration_seconds_count",
                  Map.of("db_system_name", "h2database", "db_operation_name", "SELECT")))
          .as("SELECT 1 twice through each pool, each counted once")
          .isEqualTo(8);
      // OpenTelemetry's resource variables, and histogram.buckets=semconv: exactly the advised
      // boundaries
      soft.assertThat(
              scrape.value(
                  "target_info",
                  Map.of(
                      "service_name",
                      "libraries",
                      "deployment_environment_name",
                      "lab",
                      "team",
                      "payments core")))
          .isEqualTo(1);
      soft.assertThat(bucketBounds(scrape, "http_client_request_duration_seconds_bucket"))
          .containsExactly(
              "0.005", "0.01", "0.025", "0.05", "0.075", "0.1", "0.25", "0.5", "0.75", "1.0", "2.5",
              "5.0", "7.5", "10.0", "+Inf");
      soft.assertThat(bucketBounds(scrape, "db_client_operation_duration_seconds_bucket"))
          .containsExactly(
              "0.001", "0.005", "0.01", "0.05", "0.1", "0.5", "1.0", "5.0", "10.0", "+Inf");
      soft.assertThat(
              scrape.value("opspulse_agent_errors_total", Map.of("component", "connection-pool")))
          .isEqualTo(0);
      soft.assertThat(
              scrape.value("opspulse_agent_errors_total", Map.of("component", "http-client")))
          .isEqualTo(0);
      soft.assertThat(
              scrape.value("opspulse_agent_errors_total", Map.of("component", "instrumentation")))
          .isEqualTo(0);
      soft.assertAll();

      // A closed pool's gauges leave at once (its wait-time histogram keeps its cumulative counts,
      // as any
      // counter does); the other pools stay.
      assertThat(Http.get(base + "/pools/close-hikari").body()).isEqualTo("closed");
      Scrape after = Scrape.of(metrics);
      assertThat(
              after.named("db_client_connection_max").stream()
                  .map(s -> s.labels().get("db_client_connection_pool_name")))
          .containsExactlyInAnyOrder("tomcat-orders", "h2:mem:dbcp", "h2:mem:agroal");
      for (String gauge :
          List.of("db_client_connection_count", "db_client_connection_pending_requests")) {
        assertThat(
                after.named(gauge).stream()
                    .map(s -> s.labels().get("db_client_connection_pool_name")))
            .as(gauge)
            .doesNotContain("closing-hikari")
            .contains("tomcat-orders");
      }
      assertThat(app.log())
          .doesNotContain("Exception in thread")
          .doesNotContain("cannot instrument");
    }
  }

  private static List<String> call(String base, String client, String target, int n, int fail) {
    String body =
        Http.get(
                base
                    + "/call?client="
                    + client
                    + "&target="
                    + URLEncoder.encode(target, StandardCharsets.UTF_8)
                    + "&n="
                    + n
                    + "&fail="
                    + fail)
            .body();
    assertThat(body).as(client + " calls").startsWith("[");
    return List.of(body.substring(1, body.length() - 1).split(",\\s*"));
  }

  /** The distinct {@code le} values of a histogram, in the order exposed. */
  private static List<String> bucketBounds(Scrape scrape, String bucket) {
    return scrape.named(bucket).stream().map(s -> s.labels().get("le")).distinct().toList();
  }

  private static Map<String, String> with(Map<String, String> labels, String key, String value) {
    Map<String, String> out = new HashMap<>(labels);
    out.put(key, value);
    return out;
  }
}
