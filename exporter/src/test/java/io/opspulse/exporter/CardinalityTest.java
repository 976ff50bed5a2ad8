package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.exposition.Exposition;
import io.opspulse.testkit.exposition.Promtool;
import io.opspulse.testkit.exposition.Sample;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Thousands of containers with hostile names: the caps hold and the output stays valid. */
class CardinalityTest {

  private static String hostileName(Random r, int i) {
    return switch (i % 5) {
      case 0 -> "x".repeat(1000 + r.nextInt(1000)) + i;
      case 1 -> "line\nbreak\"quote\\slash" + i;
      case 2 -> "ünïcødé-容器-" + i;
      case 3 -> "ctl\u0000\u0007\u001b[31m" + i;
      default -> Long.toHexString(r.nextLong()) + "_" + i;
    };
  }

  @Test
  void perContainerSeriesAreCappedLabelValuesBoundedAndTheOutputStillParses() throws Exception {
    Random random = new Random(42);
    TestFleet fleet = TestFleet.fleet();
    for (int i = 0; i < 5000; i++) {
      TestFleet.Container c =
          TestFleet.container(hostileName(random, i))
              .id(String.format("%064x", i))
              .compose(hostileName(random, i + 1), hostileName(random, i + 2))
              .image(hostileName(random, i + 3))
              .restarts(i % 7);
      fleet.with(
          i % 2 == 0
              ? c.running(Instant.EPOCH, 1000 + i)
              : c.exited(127, Instant.EPOCH.plusSeconds(5)));
    }
    FleetView view = fleet.build();
    FleetCollector collector =
        new FleetCollector(view::version, () -> view, new SelfStats(), 1000, List.of());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, collector.collect());
    String text = out.toString(StandardCharsets.UTF_8);
    Exposition metrics = Exposition.parse(text);

    assertThat(metrics.samples("docker_container_info")).hasSize(1000);
    assertThat(metrics.samples("docker_container_restarts_total")).hasSize(1000);
    assertThat(metrics.find("opspulse_exporter_containers_dropped")).contains(4000.0);
    double counted = metrics.samples("docker_containers").stream().mapToDouble(Sample::value).sum();
    assertThat(counted).as("the aggregates still count every container").isEqualTo(5000);
    assertThat(metrics.samples()).isNotEmpty();
    for (Sample s : metrics.samples()) {
      for (String v : s.labels().values()) {
        assertThat(v.length()).isLessThanOrEqualTo(LabelText.MAX_VALUE_LENGTH);
        assertThat(v.chars().noneMatch(Character::isISOControl)).as(v).isTrue();
      }
    }
    // Valid text format, judged by Prometheus' own parser and linter rather than by ours.
    Promtool.checkMetrics(text);
  }

  @Test
  void theDroppedGaugeFollowsTheFleetDownAgain() throws Exception {
    TestFleet fleet = TestFleet.fleet();
    for (int i = 0; i < 5; i++) {
      fleet.with(TestFleet.container("c" + i));
    }
    FleetView five = fleet.version(1).build();
    FleetView two =
        TestFleet.fleet()
            .with(TestFleet.container("c0"))
            .with(TestFleet.container("c1"))
            .version(2)
            .build();
    FleetView[] now = {five};
    FleetCollector collector =
        new FleetCollector(() -> now[0].version(), () -> now[0], new SelfStats(), 3, List.of());

    assertThat(dropped(collector)).isEqualTo(2.0);
    assertThat(dropped(collector))
        .as("a second scrape of the same fleet does not add up")
        .isEqualTo(2.0);
    now[0] = two;
    assertThat(dropped(collector)).isEqualTo(0.0);
  }

  private static double dropped(FleetCollector collector) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, collector.collect());
    return Exposition.parse(out.toString(StandardCharsets.UTF_8))
        .find("opspulse_exporter_containers_dropped")
        .orElseThrow(() -> new AssertionError("opspulse_exporter_containers_dropped is missing"));
  }
}
