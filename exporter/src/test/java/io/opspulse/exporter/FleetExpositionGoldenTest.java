package io.opspulse.exporter;

import static io.opspulse.exporter.TestFleet.container;
import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.GoldenFile;
import io.opspulse.testkit.exposition.Promtool;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole exposition of a fixed fleet — help, type, unit, every label and the order of it all —
 * against committed files, as client_java's ExpositionFormatsTest and kube-state-metrics' store
 * tests do: any change to what the exporter publishes shows up as a diff of those files in review.
 *
 * <p>After an intended change, regenerate them and review the diff:
 *
 * <pre>
 * mvn -pl exporter -am test -Dtest=FleetExpositionGoldenTest -Dsurefire.failIfNoSpecifiedTests=false -Dgolden.update=true
 * </pre>
 *
 * Regenerating an unchanged exporter changes nothing: the test then passes without the flag, and
 * the rendering is checked to be the same twice over (no clock, no hash order in it).
 */
class FleetExpositionGoldenTest {
  static final Path GOLDEN = Path.of("src/test/resources/io/opspulse/exporter/golden");
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final String TEAM = "com.example.team";

  /**
   * Four containers, one past the cap of three: every kind of series the exporter writes appears.
   */
  static FleetView fleet() {
    return fleet(12.5, 1);
  }

  /** The same fleet with another CPU reading for shop-web-1, as after a cgroup sample. */
  static FleetView fleet(double webCpuSeconds, long version) {
    return TestFleet.fleet()
        .version(version)
        .engine("24.0.7", "1.43", 8, 16L << 30)
        .with(
            container("shop-web-1")
                .compose("shop", "web")
                .origin(Origin.DECLARED)
                .label(TEAM, "payments")
                .running(T0, 4242)
                .health("healthy", 0, 10, 3)
                .limits(1.5, 512L << 20, 256L << 20)
                .restarts(2)
                .exits(ExitReason.ERROR, 2)
                .usage(webCpuSeconds, 100L << 20, 7))
        .with(
            container("shop-worker-1")
                .compose("shop", "worker")
                .origin(Origin.ORPHAN)
                .oomKilled()
                .exited(137, T0.plusSeconds(90))
                .exits(ExitReason.OOM_KILLED, 1)
                .oomKills(1)
                .health("unhealthy", 3, 30, 30)
                .usage(3.0, 1L << 20, 1))
        .with(
            container("quote\"back\\slash\u0007")
                .origin(Origin.UNMANAGED)
                .image("registry.local/x:1"))
        .with(
            container("eager_turing")
                .origin(Origin.ANONYMOUS)
                .refusedLabel(LabelScreen.CONTROL_CHARACTER))
        .service("shop", "web", 2, 1, Map.of(ExitReason.ERROR, 2L))
        .service("shop", "worker", 1, 0, Map.of(ExitReason.OOM_KILLED, 1L))
        .composeFileError(
            "/srv/shop/compose.override.yml",
            ComposeFileException.Kind.SCHEMA,
            "line 4: services.web.deploy.replicas: not a number")
        .composeLabelRefused(ComposeLabels.Refusal.NOT_A_PATH)
        .build();
  }

  /** The exporter's own counts that go with {@link #fleet()}. */
  static SelfStats stats() {
    SelfStats stats = new SelfStats();
    stats.event("start", T0.getEpochSecond());
    stats.event("die", T0.getEpochSecond() + 90);
    stats.resync("start");
    stats.apiError("inspect");
    stats.taskFailure("event");
    return stats;
  }

  /**
   * The collector the golden files come from: a cap of three containers, one Docker label allowed.
   */
  static FleetCollector collector(java.util.function.Supplier<FleetView> fleet, SelfStats stats) {
    return new FleetCollector(() -> fleet.get().version(), fleet, stats, 3, List.of(TEAM));
  }

  static String render(ExpositionFormatWriter writer) throws IOException {
    FleetView view = fleet();
    FleetCollector collector = collector(() -> view, stats());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.write(out, collector.collect());
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * The build's own version and revision change with every commit; golden files hold placeholders.
   */
  static String withBuildPlaceholders(String exposition) {
    String buildLabels =
        "revision=\""
            + io.opspulse.catalog.BuildInfo.REVISION
            + "\",version=\""
            + io.opspulse.catalog.BuildInfo.VERSION
            + "\"";
    assertThat(exposition).contains(buildLabels);
    return exposition.replace(buildLabels, "revision=\"REVISION\",version=\"VERSION\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"fleet.prom", "fleet.openmetrics.txt"})
  void theExpositionIsExactlyTheCommittedOne(String file) throws IOException {
    ExpositionFormatWriter writer =
        file.endsWith(".prom")
            ? PrometheusTextFormatWriter.create()
            : OpenMetricsTextFormatWriter.create();
    String rendered = render(writer);
    assertThat(render(writer)).as("the same fleet renders the same text twice").isEqualTo(rendered);
    rendered = withBuildPlaceholders(rendered);
    GoldenFile.assertMatches(GOLDEN.resolve(file), rendered);
  }

  /** promtool 2.42 reads only the 0.0.4 text format (it takes OpenMetrics counters for untyped). */
  @Test
  void promtoolAcceptsTheCommittedTextExposition() throws IOException {
    Promtool.checkMetrics(Files.readString(GOLDEN.resolve("fleet.prom")));
  }
}
