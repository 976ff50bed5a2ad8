package io.opspulse.agent.core;

import static io.opspulse.testkit.exposition.ExpositionAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.metrics.ExemplarFilter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opspulse.catalog.BuildInfo;
import io.opspulse.testkit.GoldenFile;
import io.opspulse.testkit.exposition.Exposition;
import io.opspulse.testkit.exposition.Promtool;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent's {@code /metrics} text for a fixed set of recorded observations, against a committed
 * file: any change to a name, unit, help, label, bucket boundary or the resource's target_info
 * shows up as a diff of that file in review.
 *
 * <p>The seam is the one both endpoints share, below the HTTP server and above the JVM: the agent's
 * resource ({@link Telemetry#resource}), an SDK meter provider with exemplars off feeding
 * OpenTelemetry's {@link PrometheusMetricReader} without scope labels (as {@link Telemetry} and
 * {@link WebConfigEndpoint} configure it), the {@link AgentRecorder} and {@link ObservedMetrics}
 * bound to its meter as {@link AgentWiring} binds them, and client_java's text writer, the format a
 * scrape without an Accept header gets. The JVM runtime metrics are left out: they read this JVM,
 * not the recorded observations.
 *
 * <p>After an intended change, regenerate the file and review the diff:
 *
 * <pre>
 * mvn -pl javaagent -am test -Dtest=AgentExpositionGoldenTest -Dsurefire.failIfNoSpecifiedTests=false -Dgolden.update=true
 * </pre>
 *
 * The build's version and revision (on target_info) and the SDK's own version are replaced by
 * placeholders.
 */
class AgentExpositionGoldenTest {
  static final Path GOLDEN = Path.of("src/test/resources/io/opspulse/agent/golden/agent.prom");
  private static final long MS = 1_000_000L;

  static String render() throws Exception {
    AgentConfig config =
        new ConfigResolver(
                "service.name=orders,routes.max=2",
                Map.of("java.io.tmpdir", "/tmp"),
                Map.of("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=lab"))
            .resolve();
    PrometheusMetricReader reader =
        PrometheusMetricReader.builder().setOtelScopeLabelsEnabled(false).build();
    try (SdkMeterProvider provider =
        SdkMeterProvider.builder()
            .setResource(Telemetry.resource(config))
            .setExemplarFilter(ExemplarFilter.alwaysOff())
            .registerMetricReader(reader)
            .build()) {
      Meter meter =
          provider.meterBuilder(Telemetry.SCOPE).setInstrumentationVersion(Version.get()).build();
      AgentErrors errors = new AgentErrors();
      ExecutorRegistry executors = new ExecutorRegistry();
      ConnectionPools pools = new ConnectionPools();
      DevMode devMode = new DevMode(List.of(), Map.of(), className -> false);
      AgentRecorder recorder =
          new AgentRecorder(config.maxRoutes(), errors, executors, pools, devMode);
      recorder.bind(meter, config.histogramBuckets());
      ObservedMetrics observed = new ObservedMetrics(meter, errors);
      observed.starts(StartHistory.empty());
      observed.devMode(devMode);
      observed.executors(executors);
      observed.connectionPools(pools);
      observed.agentErrors();

      record(recorder, executors, errors);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrometheusTextFormatWriter.create().write(out, reader.collect());
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  /**
   * Requests on two routes and one past the cap of two, a handler that threw, a client call
   * answered 503, two queries (one timing out), an executor named by its first worker, and one
   * agent error.
   */
  private static void record(AgentRecorder recorder, ExecutorRegistry executors, AgentErrors errors)
      throws InterruptedException {
    recorder.serverRequest(3 * MS, "GET", "http", "/orders/{id}", 200, null, 2);
    recorder.serverRequest(80 * MS, "GET", "http", "/orders/{id}", 200, null, 5);
    recorder.serverRequest(
        400 * MS, "POST", "HTTPS", "/orders", 201, new IllegalStateException("boom"), 0);
    recorder.serverRequest(1 * MS, "BREW", "http", "/pots", 418, null, 0);
    recorder.clientExchange(45 * MS, "GET", "https", "Payments.Example", -1, 503, null);
    recorder.clientExchange(2 * MS, "PUT", "http", "stock.internal", 8080, 204, null);
    recorder.dbStatement(4 * MS, new Object(), null, "SELECT * FROM orders WHERE id = ?", null);
    recorder.dbStatement(
        1200 * MS,
        new Object(),
        null,
        "update orders set state = 'paid'",
        new SQLTimeoutException("timeout"));
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(1, 3, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(10));
    try {
      executors.created(pool);
      Thread worker = new Thread(() -> executors.workerStarted(pool), "orders-worker-1");
      worker.start();
      worker.join();
    } finally {
      pool.shutdownNow();
    }
    errors.record("servlet", new IllegalArgumentException("a request the accessor could not read"));
  }

  /** The build's version and revision change with every commit, the SDK's with every upgrade. */
  static String withPlaceholders(String exposition) {
    String revision = "opspulse_agent_revision=\"" + BuildInfo.REVISION + "\"";
    String distro = "telemetry_distro_version=\"" + BuildInfo.VERSION + "\"";
    assertThat(exposition).contains(revision, distro);
    return exposition
        .replace(revision, "opspulse_agent_revision=\"REVISION\"")
        .replace(distro, "telemetry_distro_version=\"VERSION\"")
        .replaceAll("telemetry_sdk_version=\"[^\"]*\"", "telemetry_sdk_version=\"SDK_VERSION\"");
  }

  @Test
  void theExpositionIsExactlyTheCommittedOne() throws Exception {
    String rendered = render();
    assertThat(render()).as("the same observations render the same text twice").isEqualTo(rendered);
    GoldenFile.assertMatches(GOLDEN, withPlaceholders(rendered));
  }

  /**
   * OpenTelemetry's Prometheus exporter writes target_info (the resource) without a HELP line,
   * which promtool's linter reports; that one problem is accepted while it is reported, and nothing
   * else.
   */
  @Test
  void promtoolAcceptsTheCommittedExposition() throws IOException {
    Promtool.checkMetrics(Files.readString(GOLDEN), Set.of("target_info no help text"));
  }

  /** What the observations were, read back by family from the committed file. */
  @Test
  void theCommittedExpositionHoldsTheObservations() throws IOException {
    Exposition agent = Exposition.parse(Files.readString(GOLDEN));
    assertThat(agent)
        .hasHistogram("http_server_request_duration_seconds")
        .withLabels("http_route", "/orders/{id}", "http_request_method", "GET")
        .hasCount(2)
        .hasBucket(0.0025, 0)
        .hasBucket(0.005, 1)
        .hasBucket(0.1, 2);
    assertThat(agent)
        .hasHistogram("http_server_request_duration_seconds")
        .withLabels("http_request_method", "POST", "error_type", "java.lang.IllegalStateException")
        .hasCount(1)
        .hasSum(0.4);
    assertThat(agent)
        .hasHistogram("http_client_request_duration_seconds")
        .withLabels("server_address", "payments.example", "server_port", "443", "error_type", "503")
        .hasCount(1);
    assertThat(agent)
        .hasGauge("target_info")
        .withLabels("service_name", "orders", "deployment_environment_name", "lab")
        .withValue(1);
  }
}
