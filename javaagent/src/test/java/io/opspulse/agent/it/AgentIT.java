package io.opspulse.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.opspulse.catalog.Catalog;
import io.opspulse.catalog.JvmMetrics;
import io.opspulse.catalog.MetricDefinition;
import io.opspulse.catalog.Source;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The core scenario, on JDK 17 and JDK 25: one application JVM (com.sun.net.httpserver, Jetty ee10
 * jakarta and Jetty ee8 javax servlets, JDK and URLConnection clients, a saturated executor,
 * HikariCP on H2 with an N+1 loop) with the agent attached. Each part is driven a known number of
 * times, then the agent's endpoint is scraped and the values are checked, and every series against
 * the catalog.
 */
class AgentIT {
  private static final String HTTP_SERVER = "http_server_request_duration_seconds";
  private static final String HTTP_CLIENT = "http_client_request_duration_seconds";
  private static final String DB = "db_client_operation_duration_seconds";

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.opspulse.agent.it.AgentApp#jdks")
  void everyScenarioMeasuredWithTheValuesItCaused(Path java, @TempDir Path tmp) throws Exception {
    AgentApp.requireJdk(java);
    int http = Ports.freeLoopbackPort();
    int jakarta = Ports.freeLoopbackPort();
    int javax = Ports.freeLoopbackPort();
    int metrics = Ports.freeLoopbackPort();
    int closed = Ports.freeLoopbackPort();
    String agentArgs =
        "host=127.0.0.1,port=" + metrics + ",state.dir=" + tmp.resolve("state") + ",service=shop";
    try (DependencyServers deps = new DependencyServers("127.0.0.1", "127.0.0.2", "127.0.0.3");
        AgentApp app =
            AgentApp.start(
                "scenario-" + java.getParent().getParent().getFileName(),
                java,
                agentArgs,
                List.of(),
                AgentApp.appClasspath(),
                "io.opspulse.testapp.ScenarioApp",
                List.of(String.valueOf(http), String.valueOf(jakarta), String.valueOf(javax)),
                Map.of(),
                tmp.resolve("logs"))) {
      String base = "http://127.0.0.1:" + http;
      for (int i = 0; i < 20; i++) {
        assertThat(Http.get(base + "/hello").statusCode()).isEqualTo(200);
      }
      // The JDK server answers a handler's exception by closing the connection: no response at all.
      // (Sent raw: an HTTP client library would retry the GET once and make it two requests.)
      assertThat(Http.rawGet(http, "/boom")).isEmpty();
      for (int i = 1; i <= 3; i++) {
        assertThat(Http.get(base + "/users/" + (1000 + i)).statusCode()).isEqualTo(404);
      }
      for (int i = 0; i < 5; i++) {
        assertThat(Http.get("http://127.0.0.1:" + jakarta + "/shop/items/" + i).statusCode())
            .isEqualTo(200);
      }
      assertThat(Http.get("http://127.0.0.1:" + jakarta + "/shop/items/broken").statusCode())
          .isEqualTo(500);
      // JAX-RS (Jersey's servlet at /api/*): the @Path templates it matched are the route
      assertThat(Http.get("http://127.0.0.1:" + jakarta + "/shop/api/owners/1").body())
          .isEqualTo("owner 1");
      assertThat(Http.get("http://127.0.0.1:" + jakarta + "/shop/api/owners/2").body())
          .isEqualTo("owner 2");
      assertThat(Http.get("http://127.0.0.1:" + jakarta + "/shop/api/owners/2/pets/3").body())
          .isEqualTo("pet 3 of owner 2");
      assertThat(Http.get("http://127.0.0.1:" + jakarta + "/shop/api/owners/2/pets/0").statusCode())
          .isEqualTo(404);
      assertThat(Http.get("http://127.0.0.1:" + jakarta + "/shop/api/nothing").statusCode())
          .isEqualTo(404);
      for (int i = 0; i < 4; i++) {
        assertThat(Http.get("http://127.0.0.1:" + javax + "/legacy/reports/" + i).statusCode())
            .isEqualTo(200);
      }
      call(base, "jdk", deps.url(0), 10, 3);
      call(base, "urlconnection", deps.url(1), 10, 3);
      call(base, "jdk-async", deps.url(2), 10, 3);
      call(base, "jdk", "http://127.0.0.1:" + closed + "/dep", 2, 0);
      // The next request on a keep-alive connection runs while the previous handler still lingers.
      assertThat(Http.keepAliveGets(http, "/linger", "/after-linger"))
          .containsExactly("HTTP/1.1 200 OK", "HTTP/1.1 200 OK");
      assertThat(Http.get(base + "/bad-sql").body()).contains("SQLSyntaxError");
      assertThat(Http.get(base + "/orders").body()).isEqualTo("lines=5");
      assertThat(Http.get(base + "/orders").body()).isEqualTo("lines=5");
      assertThat(Http.get(base + "/saturate").body()).isEqualTo("rejected=3");
      Http.get(base + "/deadlock");
      Http.get(base + "/broken-pool");
      Http.get(base + "/gc");

      // The JDK server records a request when its handler returns, which is after the client has
      // the
      // response: wait until the last requests are recorded, not only until the slow signals show.
      Scrape scrape =
          Poll.until(
              "the deadlock, the GC, the broken pool and the last requests to show",
              Duration.ofSeconds(20),
              () -> {
                Scrape s = Scrape.of(metrics);
                return s.value("opspulse_jvm_deadlocked_threads") == 2
                        && s.value("jvm_gc_duration_seconds_count") > 0
                        && s.value("opspulse_agent_errors_total", Map.of("component", "executor"))
                            >= 1
                        && s.value(
                                "opspulse_db_statements_per_request_count",
                                Map.of("http_route", "/orders"))
                            >= 2
                        && s.value(HTTP_SERVER + "_count", Map.of("http_route", "/gc")) >= 1
                        && s.value(HTTP_SERVER + "_count", Map.of("http_route", "/saturate")) >= 1
                        && s.has("opspulse_executor_active_threads", Map.of("pool", "search"))
                        && s.named(HTTP_SERVER + "_count").stream()
                                .filter(
                                    x ->
                                        String.valueOf(x.labels().get("http_route"))
                                            .contains("linger"))
                                .mapToDouble(Scrape.Sample::value)
                                .sum()
                            >= 2
                    ? s
                    : null;
              });
      SoftAssertions soft = new SoftAssertions();

      // HTTP server RED, com.sun.net.httpserver
      soft.assertThat(
              scrape.value(
                  HTTP_SERVER + "_count",
                  Map.of(
                      "http_route",
                      "/hello",
                      "http_request_method",
                      "GET",
                      "http_response_status_code",
                      "200")))
          .isEqualTo(20);
      soft.assertThat(scrape.value(HTTP_SERVER + "_count", Map.of("http_route", "/after-linger")))
          .as("a request is counted under its own route, not the next one's on the connection")
          .isEqualTo(1);
      soft.assertThat(scrape.value(HTTP_SERVER + "_count", Map.of("http_route", "/linger")))
          .isEqualTo(1);
      soft.assertThat(
              scrape.value(
                  HTTP_SERVER + "_count",
                  Map.of(
                      "http_route",
                      "/boom",
                      "http_response_status_code",
                      "500",
                      "error_type",
                      "java.lang.IllegalStateException")))
          .isEqualTo(1);
      soft.assertThat(
              scrape.value(
                  HTTP_SERVER + "_count",
                  Map.of("http_route", Scrape.ABSENT, "http_response_status_code", "404")))
          .as("the catch-all context names no route")
          .isEqualTo(3);
      soft.assertThat(scrape.named(HTTP_SERVER + "_count"))
          .as("no route made from a path")
          .noneMatch(s -> String.valueOf(s.labels().get("http_route")).startsWith("/users"));
      soft.assertThat(
              scrape.value(
                  HTTP_SERVER + "_count", Map.of("http_route", "/hello", "url_scheme", "http")))
          .isEqualTo(20);
      soft.assertThat(
              scrape.named(HTTP_SERVER + "_bucket").stream()
                  .map(s -> s.labels().get("le"))
                  .collect(Collectors.toSet()))
          .as("buckets resolve from 100 µs and hold the advised ones")
          .contains("1.0E-4", "2.5E-4", "5.0E-4", "0.001", "0.075", "0.75", "7.5", "10.0", "+Inf");
      // jakarta.servlet (Jetty 12 ee10, a filter in front) and javax.servlet (Jetty 12 ee8)
      soft.assertThat(
              scrape.value(
                  HTTP_SERVER + "_count",
                  Map.of("http_route", "/shop/items/*", "http_response_status_code", "200")))
          .as("filter + servlet measured once")
          .isEqualTo(5);
      soft.assertThat(
              scrape.value(
                  HTTP_SERVER + "_count",
                  Map.of(
                      "http_route",
                      "/shop/items/*",
                      "http_response_status_code",
                      "500",
                      "error_type",
                      "java.lang.IllegalStateException")))
          .isEqualTo(1);
      soft.assertThat(
              scrape.value(
                  HTTP_SERVER + "_count",
                  Map.of(
                      "http_route",
                      "/shop/api/owners/{ownerId}",
                      "http_response_status_code",
                      "200")))
          .as("Jersey's templates")
          .isEqualTo(2);
      soft.assertThat(
              scrape.value(
                  HTTP_SERVER + "_count",
                  Map.of(
                      "http_route",
                      "/shop/api/owners/{ownerId}/pets/{petId}",
                      "http_response_status_code",
                      "200")))
          .isEqualTo(1);
      soft.assertThat(
              scrape.value(
                  HTTP_SERVER + "_count",
                  Map.of(
                      "http_route",
                      "/shop/api/owners/{ownerId}/pets/{petId}",
                      "http_response_status_code",
                      "404")))
          .as("a resource's own 404 keeps its route")
          .isEqualTo(1);
      soft.assertThat(
              scrape.value(
                  HTTP_SERVER + "_count",
                  Map.of("http_route", "/shop/api/*", "http_response_status_code", "404")))
          .as("no resource matched: the servlet mapping")
          .isEqualTo(1);
      soft.assertThat(
              scrape.value(
                  HTTP_SERVER + "_count",
                  Map.of("http_route", "/legacy/reports/*", "http_response_status_code", "200")))
          .isEqualTo(4);

      // HTTP clients: 3 of 10 calls to each dependency fail, for each client
      for (String address : List.of("127.0.0.1", "127.0.0.2", "127.0.0.3")) {
        soft.assertThat(
                scrape.value(
                    HTTP_CLIENT + "_count",
                    Map.of(
                        "server_address",
                        address,
                        "http_response_status_code",
                        "503",
                        "error_type",
                        "503")))
            .as(address + " failures")
            .isEqualTo(3);
        soft.assertThat(
                scrape.value(
                    HTTP_CLIENT + "_count",
                    Map.of("server_address", address, "http_response_status_code", "200")))
            .as(address + " successes")
            .isEqualTo(7);
      }
      soft.assertThat(
              scrape.value(
                  HTTP_CLIENT + "_count",
                  Map.of("server_address", "127.0.0.1", "error_type", "java.net.ConnectException")))
          .as("refused connections")
          .isEqualTo(2);

      // executors: 2 running, 5 queued, 3 rejected
      Map<String, String> orders = Map.of("pool", "orders-worker");
      soft.assertThat(scrape.value("opspulse_executor_queue_depth", orders)).isEqualTo(5);
      soft.assertThat(scrape.value("opspulse_executor_active_threads", orders)).isEqualTo(2);
      soft.assertThat(scrape.value("opspulse_executor_pool_threads", orders)).isEqualTo(2);
      soft.assertThat(scrape.value("opspulse_executor_max_threads", orders)).isEqualTo(2);
      soft.assertThat(scrape.value("opspulse_executor_rejected_tasks_total", orders)).isEqualTo(3);
      Map<String, String> search = Map.of("pool", "search");
      soft.assertThat(scrape.value("opspulse_executor_max_threads", search))
          .as("a ForkJoinPool: max is its parallelism")
          .isEqualTo(3);
      soft.assertThat(scrape.value("opspulse_executor_active_threads", search)).isBetween(1.0, 5.0);
      soft.assertThat(scrape.value("opspulse_executor_queue_depth", search)).isBetween(0.0, 4.0);
      soft.assertThat(scrape.has("opspulse_executor_completed_tasks_total", search))
          .as("a ForkJoinPool keeps no completed count: no series")
          .isFalse();
      soft.assertThat(scrape.value("opspulse_executor_max_threads", Map.of("pool", "ScenarioApp")))
          .as("the HttpServer's Executors.newFixedThreadPool(4), named after its creator")
          .isEqualTo(4);

      // JDBC through HikariCP: 1 + 5 statements per /orders request, outermost call only
      soft.assertThat(
              scrape.value(
                  DB + "_count",
                  Map.of("db_system_name", "h2database", "db_operation_name", "SELECT")))
          .isEqualTo(13);
      soft.assertThat(
              scrape.value(
                  DB + "_count",
                  Map.of(
                      "db_operation_name",
                      "SELECT",
                      "error_type",
                      "org.h2.jdbc.JdbcSQLSyntaxErrorException")))
          .isEqualTo(1);
      soft.assertThat(scrape.value(DB + "_count", Map.of("db_operation_name", "CREATE")))
          .isEqualTo(2);
      soft.assertThat(
              scrape.value(
                  "opspulse_db_statements_per_request_count", Map.of("http_route", "/orders")))
          .isEqualTo(2);
      soft.assertThat(
              scrape.value(
                  "opspulse_db_statements_per_request_sum", Map.of("http_route", "/orders")))
          .isEqualTo(12);
      soft.assertThat(
              scrape.value(
                  "opspulse_db_statements_per_request_bucket",
                  Map.of("http_route", "/orders", "le", "5.0")))
          .isEqualTo(0);
      Map<String, String> pool = Map.of("db_client_connection_pool_name", "orders-db");
      soft.assertThat(scrape.value("db_client_connection_max", pool)).isEqualTo(4);
      soft.assertThat(scrape.value("db_client_connection_pending_requests", pool)).isEqualTo(0);
      soft.assertThat(
              scrape.value(
                  "db_client_connection_count",
                  Map.of(
                      "db_client_connection_pool_name",
                      "orders-db",
                      "db_client_connection_state",
                      "used")))
          .isEqualTo(0);
      soft.assertThat(scrape.value("db_client_connection_count", pool)).isBetween(1.0, 4.0);
      soft.assertThat(scrape.value("db_client_connection_wait_time_seconds_count", pool))
          .as("borrows: set-up, /bad-sql, two /orders")
          .isEqualTo(4);
      soft.assertThat(scrape.value("db_client_connection_wait_time_seconds_sum", pool))
          .isPositive();

      // runtime, restarts, dev mode, the agent itself
      soft.assertThat(scrape.value("opspulse_jvm_deadlocked_threads")).isEqualTo(2);
      soft.assertThat(scrape.value("jvm_thread_count")).isGreaterThan(10);
      soft.assertThat(scrape.value("jvm_memory_used_bytes", Map.of("jvm_memory_type", "heap")))
          .isPositive();
      soft.assertThat(scrape.value("jvm_class_count")).isGreaterThan(1000);
      soft.assertThat(scrape.value("jvm_cpu_count")).isGreaterThanOrEqualTo(1);
      soft.assertThat(scrape.value("opspulse_jvm_open_file_descriptors")).isGreaterThan(10);
      soft.assertThat(scrape.value("process_start_time_seconds"))
          .as("started within the last 10 minutes")
          .isCloseTo(System.currentTimeMillis() / 1000.0, within(600.0));
      soft.assertThat(scrape.value("opspulse_jvm_recent_starts", Map.of("window", "5m")))
          .isEqualTo(1);
      soft.assertThat(scrape.value("opspulse_dev_mode", Map.of("reason", "none"))).isEqualTo(0);
      soft.assertThat(scrape.value("opspulse_agent_errors_total", Map.of("component", "executor")))
          .as("the pool whose getQueue() throws is counted, not fatal")
          .isGreaterThanOrEqualTo(1);
      soft.assertThat(
              scrape.value("opspulse_agent_errors_total", Map.of("component", "instrumentation")))
          .isEqualTo(0);
      soft.assertThat(scrape.value("target_info", Map.of("service_name", "shop"))).isEqualTo(1);

      assertMatchesCatalog(soft, scrape);
      soft.assertAll();

      // the blocked tasks finish once released: 7 completed (2 running + 5 queued)
      Http.get(base + "/release");
      Poll.untilTrue(
          "orders-worker to complete 7 tasks",
          Duration.ofSeconds(20),
          () -> Scrape.of(metrics).value("opspulse_executor_completed_tasks_total", orders) == 7);
      assertThat(app.log())
          .doesNotContain("Exception in thread")
          .doesNotContain("WARNING: sun.misc.Unsafe");
    }
  }

  private static void call(String base, String client, String target, int n, int fail) {
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
  }

  /**
   * Every opspulse/http/db/jvm/process series (and target_info, which carries the agent's build) is
   * declared in the catalog as an agent metric, with no label the catalog lacks; every agent metric
   * of the catalog is there, and where the scenario gives a metric every one of its labels, the
   * labels are exactly the catalog's.
   */
  static void assertMatchesCatalog(SoftAssertions soft, Scrape scrape) {
    Set<String> seen = new TreeSet<>();
    for (Scrape.Sample sample : scrape.samples()) {
      if (!sample.name().matches("(opspulse|http|db|jvm|process)_.*|target_info")) {
        continue;
      }
      var def = Catalog.bySeriesName(sample.name());
      soft.assertThat(def).as(sample.name() + " is in the catalog").isPresent();
      if (def.isEmpty()) {
        continue;
      }
      soft.assertThat(def.get().source()).as(sample.name()).isEqualTo(Source.AGENT);
      Set<String> labels = new TreeSet<>(sample.labels().keySet());
      labels.remove("le");
      soft.assertThat(def.get().labels()).as(sample.name() + " labels").containsAll(labels);
      seen.add(def.get().name());
    }
    for (MetricDefinition def : JvmMetrics.ALL) {
      if (def == JvmMetrics.IN_PROCESS_RESTARTS || def.source() != Source.AGENT) {
        continue;
      }
      soft.assertThat(seen).as("scraped families").contains(def.name());
      String family =
          def.type() == io.opspulse.catalog.MetricType.HISTOGRAM
              ? def.name() + "_count"
              : def.name();
      Set<String> union = scrape.labelNames(family);
      soft.assertThat(union)
          .as(def.name() + " labels across its series")
          .isEqualTo(new TreeSet<>(def.labels()));
    }
  }
}
