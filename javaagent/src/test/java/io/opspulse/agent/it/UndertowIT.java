package io.opspulse.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A servlet application on Undertow ({@code UndertowApp}, Undertow's own deployment API, the jars
 * from Maven Central) with the agent, on JDK 17 and 25: its servlet mappings as routes below the
 * context path, a request no servlet mapping named without {@code http_route}, the cause of the
 * container's ServletException as {@code error_type}, and Undertow's XNIO worker, the pool its
 * requests run on, as an {@code opspulse_executor_*} pool seen saturated.
 */
class UndertowIT {
  private static final String COUNT = "http_server_request_duration_seconds_count";
  private static final Map<String, String> XNIO = Map.of("pool", "XNIO");

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.opspulse.agent.it.AgentApp#jdks")
  void servletsOnUndertowAndItsXnioWorker(Path java, @TempDir Path tmp) throws Exception {
    AgentApp.requireJdk(java);
    int http = Ports.freeLoopbackPort();
    int metrics = Ports.freeLoopbackPort();
    String jdk = java.getParent().getParent().getFileName().toString();
    try (AgentApp app =
        AgentApp.start(
            "undertow-" + jdk,
            java,
            "host=127.0.0.1,port="
                + metrics
                + ",state.dir="
                + tmp.resolve("state")
                + ",service=shop",
            // jboss-threads, XNIO's task pool, counts busy threads only when asked to (else no
            // active series).
            List.of("-Djboss.threads.eqe.statistics.active-count=true"),
            AgentApp.appClasspath(),
            "io.opspulse.testapp.UndertowApp",
            List.of(String.valueOf(http)),
            Map.of(),
            tmp.resolve("logs"))) {
      String base = "http://127.0.0.1:" + http + "/shop";
      assertThat(Http.get(base + "/owners/1").body()).isEqualTo("owner 1");
      assertThat(Http.get(base + "/owners/2").body()).isEqualTo("owner 2");
      assertThat(Http.get(base + "/owners/find").body()).isEqualTo("find owners");
      assertThat(Http.get(base + "/nothere").statusCode()).isEqualTo(404);
      assertThat(Http.get(base + "/pets/7.visit").statusCode()).isEqualTo(500);

      Scrape scrape =
          Poll.until(
              "5 requests to be recorded",
              Duration.ofSeconds(20),
              () -> {
                Scrape s = Scrape.of(metrics);
                return s.value(COUNT) >= 5 ? s : null;
              });
      SoftAssertions soft = new SoftAssertions();
      soft.assertThat(scrape.value(COUNT)).as("every request once").isEqualTo(5);
      soft.assertThat(
              scrape.value(
                  COUNT,
                  Map.of(
                      "http_route",
                      "/shop/owners/*",
                      "http_request_method",
                      "GET",
                      "http_response_status_code",
                      "200",
                      "url_scheme",
                      "http")))
          .isEqualTo(2);
      soft.assertThat(
              scrape.value(
                  COUNT,
                  Map.of("http_route", "/shop/owners/find", "http_response_status_code", "200")))
          .as("the exact mapping wins over the path mapping")
          .isEqualTo(1);
      soft.assertThat(
              scrape.value(
                  COUNT, Map.of("http_route", Scrape.ABSENT, "http_response_status_code", "404")))
          .as("Undertow's default servlet names no route")
          .isEqualTo(1);
      soft.assertThat(
              scrape.value(
                  COUNT,
                  Map.of(
                      "http_route",
                      "/shop/*.visit",
                      "http_response_status_code",
                      "500",
                      "error_type",
                      "io.opspulse.testapp.UndertowApp$VisitsClosedException")))
          .as("the servlet's cause, not the container's ServletException")
          .isEqualTo(1);
      soft.assertThat(scrape.named("opspulse_agent_errors_total"))
          .as("no failure contained by the agent")
          .isNotEmpty()
          .allSatisfy(s -> assertThat(s.value()).as(s.labels().toString()).isZero());
      soft.assertAll();

      // Six requests that each hold a worker thread for 30 s: two run, four wait in the worker's
      // queue.
      List<CompletableFuture<HttpResponse<String>>> slow = slowRequests(base, 6, 30_000);
      Scrape saturated =
          Poll.until(
              "Undertow's XNIO worker saturated",
              Duration.ofSeconds(25),
              () -> {
                Scrape s = Scrape.of(metrics);
                return s.value("opspulse_executor_active_threads", XNIO) == 2
                        && s.value("opspulse_executor_queue_depth", XNIO) >= 1
                    ? s
                    : null;
              });
      assertThat(slow).as("the slow requests are still held").noneMatch(CompletableFuture::isDone);
      assertThat(saturated.value("opspulse_executor_max_threads", XNIO)).isEqualTo(2);
      assertThat(saturated.value("opspulse_executor_pool_threads", XNIO)).isEqualTo(2);
      assertThat(saturated.value("opspulse_executor_queue_depth", XNIO)).isBetween(1.0, 4.0);
      assertThat(
              saturated.named("opspulse_executor_completed_tasks_total").stream()
                  .filter(s -> "XNIO".equals(s.labels().get("pool"))))
          .as("the worker keeps no completed count")
          .isEmpty();
      assertThat(app.log()).doesNotContain("cannot instrument");
    }
  }

  private static List<CompletableFuture<HttpResponse<String>>> slowRequests(
      String base, int n, long ms) {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          client.sendAsync(
              HttpRequest.newBuilder(URI.create(base + "/slow?ms=" + ms)).build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    return out;
  }
}
