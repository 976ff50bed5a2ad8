package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    FleetModel model = new FleetModel();
    List<ContainerInfo> infos = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      Map<String, String> labels = new HashMap<>();
      labels.put(ContainerInfo.PROJECT, hostileName(random, i + 1));
      labels.put(ContainerInfo.SERVICE, hostileName(random, i + 2));
      infos.add(new ContainerInfo(String.format("%064x", i), hostileName(random, i), hostileName(random, i + 3), labels,
          i % 2 == 0 ? "running" : "exited", 127, false, Instant.EPOCH, Instant.EPOCH.plusSeconds(5), i % 7, 0,
          "", 0, 0, 0, 0, 0, 0, "", Map.of()));
    }
    infos.forEach(model::upsert);
    SelfStats stats = new SelfStats();
    OriginClassifier origins = new OriginClassifier(List.of(), List.of());
    FleetCollector collector = new FleetCollector(model, () -> model.view(DeclaredState.EMPTY, origins), stats, 1000, List.of());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExpositionFormats.init().getPrometheusTextFormatWriter().write(out, collector.collect());
    MetricsText text = MetricsText.parse(out.toString(StandardCharsets.UTF_8));

    assertThat(text.all("docker_container_info", s -> true)).hasSize(1000);
    assertThat(text.all("docker_container_restarts_total", s -> true)).hasSize(1000);
    assertThat(text.value("opspulse_exporter_series_dropped_total")).contains(4000.0);
    double counted = text.all("docker_containers", s -> true).stream().mapToDouble(MetricsText.Sample::value).sum();
    assertThat(counted).as("the aggregates still count every container").isEqualTo(5000);
    for (MetricsText.Sample s : text.samples()) {
      for (String v : s.labels().values()) {
        assertThat(v.length()).isLessThanOrEqualTo(LabelText.MAX_VALUE_LENGTH);
        assertThat(v.chars().noneMatch(Character::isISOControl)).as(v).isTrue();
      }
    }
    // The text format is valid: every line is a comment or a sample the parser read back.
    long lines = out.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
    assertThat(text.samples()).hasSize((int) lines);
  }
}
