package io.opspulse.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OTLP/HTTP export against a real receiver on 127.0.0.1 that decodes the protobuf bodies: the
 * values the application caused arrive with the service's resource, beside the Prometheus endpoint
 * or without it; the last values are sent at exit; a collector that refuses or is not there costs
 * the service nothing.
 */
class OtlpExportIT {
  private static final String HTTP_SERVER = "http.server.request.duration";
  private static final String HELLO = "io.opspulse.testapp.HelloApp";

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.opspulse.agent.it.AgentApp#jdks")
  void theRequestsTheServiceServedArriveAtTheCollector(Path java, @TempDir Path tmp)
      throws Exception {
    AgentApp.requireJdk(java);
    int app = Ports.freeLoopbackPort();
    int metrics = Ports.freeLoopbackPort();
    int requests = 7;
    try (OtlpReceiver collector = new OtlpReceiver(200);
        AgentApp hello =
            AgentApp.start(
                "otlp-" + java.getParent().getParent().getFileName(),
                java,
                "service=orders,host=127.0.0.1,port="
                    + metrics
                    + ",state.dir="
                    + tmp
                    + ",otlp.interval=1"
                    + ",otlp.endpoint="
                    + collector.baseUrl(),
                List.of(),
                AgentApp.appClasspath(),
                HELLO,
                List.of(String.valueOf(app)),
                Map.of(),
                tmp)) {
      for (int i = 0; i < requests; i++) {
        assertThat(Http.get("http://127.0.0.1:" + app + "/hello").body()).isEqualTo("hello");
      }
      int seen = collector.requests().size();
      // Two exports after the one that carried the requests: an export's own HTTP call would show
      // by then.
      HistogramDataPoint point =
          Poll.until(
              requests + " requests for /hello, then two more exports",
              Duration.ofSeconds(30),
              () ->
                  collector.requests().size() >= seen + 3
                      ? helloPoint(collector).filter(p -> p.getCount() == requests).orElse(null)
                      : null);

      assertThat(collector.problems()).isEmpty();
      OtlpReceiver.Found server = collector.latest(HTTP_SERVER).orElseThrow();
      assertThat(server.resource())
          .containsEntry("service.name", "orders")
          .containsEntry("telemetry.sdk.language", "java");
      assertThat(server.scope()).isEqualTo("io.opspulse.agent");
      assertThat(server.metric().getUnit()).isEqualTo("s");
      assertThat(server.metric().getHistogram().getAggregationTemporality())
          .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
      assertThat(OtlpReceiver.attributes(point.getAttributesList()))
          .containsEntry("http.request.method", "GET")
          .containsEntry("http.response.status_code", "200");
      assertThat(point.getSum()).isPositive();
      assertThat(point.getExplicitBoundsList()).startsWith(0.0001, 0.00025, 0.0005);

      // The OpenTelemetry runtime metrics and the agent's own ones travel the same way.
      assertThat(collector.namesInLatest())
          .contains(
              "jvm.memory.used", "jvm.thread.count", "jvm.class.loaded", "opspulse.agent.errors");
      assertThat(sumPoint(collector, "jvm.thread.count").getAsInt()).isPositive();
      assertThat(errorsPoint(collector, "otlp-export"))
          .hasValueSatisfying(p -> assertThat(p.getAsInt()).isZero());
      // The export's own calls to the collector are not the application's HTTP client traffic.
      assertThat(collector.namesInLatest()).doesNotContain("http.client.request.duration");

      // The Prometheus endpoint serves the same values beside it.
      Scrape scrape = Scrape.of(metrics);
      assertThat(
              scrape.value(
                  "http_server_request_duration_seconds_count", Map.of("http_route", "/hello")))
          .isEqualTo(requests);
      assertThat(scrape.named("http_client_request_duration_seconds_count")).isEmpty();
      // Nor are its threads an application pool: only HelloApp's own.
      assertThat(scrape.named("opspulse_executor_pool_threads"))
          .extracting(s -> s.labels().get("pool"))
          .containsExactly("HelloApp");
      assertThat(hello.log())
          .contains("OTLP export to " + collector.baseUrl() + "/v1/metrics every 1 s");
      assertThat(
              hello
                  .log()
                  .lines()
                  .filter(line -> !line.startsWith("[opspulse-agent] ") && !line.equals("READY")))
          .isEmpty();
    }
  }

  @Test
  void theLastValuesAreSentWhenTheServiceStopsAndPrometheusCanBeOff(@TempDir Path tmp)
      throws Exception {
    int app = Ports.freeLoopbackPort();
    int requests = 5;
    try (OtlpReceiver collector = new OtlpReceiver(200)) {
      // An hour between exports: only the shutdown flush can deliver these requests.
      try (AgentApp hello =
          AgentApp.start(
              "otlp-flush",
              AgentApp.JDK17_JAVA,
              "service=orders,port=off,state.dir="
                  + tmp
                  + ",otlp.interval=3600,otlp.endpoint="
                  + collector.baseUrl(),
              List.of(),
              AgentApp.appClasspath(),
              HELLO,
              List.of(String.valueOf(app)),
              Map.of(),
              tmp)) {
        for (int i = 0; i < requests; i++) {
          assertThat(Http.get("http://127.0.0.1:" + app + "/hello").body()).isEqualTo("hello");
        }
        assertThat(hello.log()).contains("no Prometheus endpoint");
        assertThat(collector.requests()).isEmpty();
        hello.process().stop(Duration.ofSeconds(20)); // SIGTERM: the JVM runs its shutdown hooks
      }
      assertThat(collector.requests()).hasSize(1);
      assertThat(helloPoint(collector))
          .hasValueSatisfying(p -> assertThat(p.getCount()).isEqualTo(requests));
      assertThat(collector.problems()).isEmpty();
    }
  }

  @ParameterizedTest(name = "collector {0}")
  @ValueSource(strings = {"answering 503", "not listening"})
  void aCollectorInTroubleIsCountedLoggedOnceAndTheServiceServesOn(
      String trouble, @TempDir Path tmp) throws Exception {
    int app = Ports.freeLoopbackPort();
    int metrics = Ports.freeLoopbackPort();
    try (OtlpReceiver collector = new OtlpReceiver(503)) {
      String endpoint =
          trouble.equals("not listening")
              ? "http://127.0.0.1:" + Ports.freeLoopbackPort()
              : collector.baseUrl();
      try (AgentApp hello =
          AgentApp.start(
              "otlp-" + trouble.replace(' ', '-'),
              AgentApp.JDK17_JAVA,
              "host=127.0.0.1,port="
                  + metrics
                  + ",state.dir="
                  + tmp
                  + ",otlp.interval=1,otlp.endpoint="
                  + endpoint,
              List.of(),
              AgentApp.appClasspath(),
              HELLO,
              List.of(String.valueOf(app)),
              Map.of(),
              tmp)) {
        Scrape scrape =
            Poll.until(
                "three failed exports counted",
                Duration.ofSeconds(30),
                () -> {
                  assertThat(Http.get("http://127.0.0.1:" + app + "/hello").body())
                      .isEqualTo("hello");
                  Scrape s = Scrape.of(metrics);
                  return s.value("opspulse_agent_errors_total", Map.of("component", "otlp-export"))
                          >= 3
                      ? s
                      : null;
                });
        assertThat(hello.process().isAlive()).isTrue();
        assertThat(
                scrape.value(
                    "http_server_request_duration_seconds_count", Map.of("http_route", "/hello")))
            .isPositive();
        String log = hello.log();
        assertThat(log.split("otlp-export failed", -1))
            .as("failure log lines in\n%s", log)
            .hasSize(2);
        assertThat(log)
            .contains("otlp-export failed (contained; the application runs on)")
            .contains("OTLP export to " + endpoint + "/v1/metrics failed: ");
        // OpenTelemetry's own log lines for each failed export stay quiet: only the agent's and the
        // app's.
        assertThat(
                log.lines()
                    .filter(line -> !line.startsWith("[opspulse-agent] ") && !line.equals("READY")))
            .isEmpty();
        if (trouble.equals("answering 503")) {
          assertThat(log).contains("the collector answered HTTP 503");
          assertThat(collector.requests()).hasSizeGreaterThanOrEqualTo(3);
          assertThat(collector.problems()).isEmpty();
        } else {
          // ConnectException, or ClosedChannelException when the JDK client loses the race to the
          // refusal
          assertThat(log).contains("/v1/metrics failed: no answer (java.");
        }
      }
    }
  }

  /** The newest /hello data point of the HTTP server histogram. */
  private static Optional<HistogramDataPoint> helloPoint(OtlpReceiver collector) {
    return collector
        .latest(HTTP_SERVER)
        .flatMap(
            f ->
                f.metric().getHistogram().getDataPointsList().stream()
                    .filter(
                        p ->
                            "/hello"
                                .equals(
                                    OtlpReceiver.attributes(p.getAttributesList())
                                        .get("http.route")))
                    .findFirst());
  }

  private static NumberDataPoint sumPoint(OtlpReceiver collector, String name) {
    Metric m = collector.latest(name).orElseThrow().metric();
    List<NumberDataPoint> points =
        m.hasSum() ? m.getSum().getDataPointsList() : m.getGauge().getDataPointsList();
    return points.stream().reduce((a, b) -> a.getAsInt() >= b.getAsInt() ? a : b).orElseThrow();
  }

  private static Optional<NumberDataPoint> errorsPoint(OtlpReceiver collector, String component) {
    return collector
        .latest("opspulse.agent.errors")
        .flatMap(
            f ->
                f.metric().getSum().getDataPointsList().stream()
                    .filter(
                        p ->
                            component.equals(
                                OtlpReceiver.attributes(p.getAttributesList()).get("component")))
                    .findFirst());
  }
}
