package io.opspulse.gpu;

import static io.opspulse.testkit.exposition.ExpositionAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.GoldenFile;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.exposition.Exposition;
import io.opspulse.testkit.exposition.Promtool;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole GPU exposition of one fixed NVML reading set against committed files, as the exporter's
 * FleetExpositionGoldenTest does for containers: the readings come from the NVML stand-in (so
 * through the real binding and probe), are rendered by {@link GpuMetricsWriter}, and any change to
 * a name, help, unit, label or value format shows up as a diff of the files in review.
 *
 * <p>After an intended change, regenerate them and review the diff:
 *
 * <pre>
 * mvn -pl gpu-probe -am test -Dtest=GpuExpositionGoldenTest -Dsurefire.failIfNoSpecifiedTests=false -Dgolden.update=true
 * </pre>
 *
 * The poll's own duration and time are the only things the probe measures rather than reads; they
 * are pinned before rendering.
 */
class GpuExpositionGoldenTest {
  static final Path GOLDEN = Path.of("src/test/resources/io/opspulse/gpu/golden");
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final String OLLAMA = CgroupOwnersTest.A;
  private static final String WORKER = CgroupOwnersTest.B;
  private static final Map<String, ContainerRef> CONTAINERS =
      Map.of(
          OLLAMA, new ContainerRef(OLLAMA.substring(0, 12), "ai-ollama-1", "ollama"),
          WORKER, new ContainerRef(WORKER.substring(0, 12), "ai-worker-1", ""));

  @TempDir static Path proc;
  private static MetricSnapshots families;

  /**
   * Two full GPUs: GPU 0 split into two MIG instances with a process in one and an XID 79 on it;
   * GPU 1 with two ollama runners, a worker, a host process and a process that has exited (no /proc
   * entry).
   */
  @BeforeAll
  static void readTheFixedGpus() throws IOException {
    cgroup(5001, "0::/system.slice/docker-" + OLLAMA + ".scope");
    cgroup(5002, "0::/system.slice/docker-" + OLLAMA + ".scope");
    cgroup(6001, "12:memory:/docker/" + WORKER + "\n0::/system.slice/containerd.service");
    cgroup(7001, "0::/user.slice/user-1000.slice/session-4.scope");
    Scenario.fullGpus(2)
        .mig(0, "1g.5gb", "2g.10gb")
        .gpu(0, "mig.0.processes", "5001:1048576")
        .gpu(0, "xid", "79")
        .processes(
            1,
            "5001:4294967296:0",
            "5002:1073741824:3",
            "6001:2147483648:40",
            "7001:104857600:1",
            "9999999:536870912:0")
        .install();
    try (GpuProbe probe = GpuProbe.builder().procRoot(proc).build()) {
      // The XID event and the PCIe sample arrive on their own threads; wait for both, never a
      // sleep.
      GpuSnapshot read =
          Poll.until(
              "the XID event and a PCIe sample of every GPU",
              Duration.ofSeconds(30),
              () -> {
                GpuSnapshot s = probe.poll();
                boolean complete =
                    s.ok()
                        && !s.devices().get(0).health().xidErrors().isEmpty()
                        && s.devices().stream()
                            .allMatch(d -> d.health().pcieTxBytesPerSecond().isPresent());
                return complete ? s : null;
              });
      GpuSnapshot fixed =
          new GpuSnapshot(
              read.status(),
              read.reason(),
              read.driverVersion(),
              read.devices(),
              T0,
              Duration.ofMillis(3));
      families = GpuMetricsWriter.write(fixed, id -> Optional.ofNullable(CONTAINERS.get(id)));
    }
  }

  private static void cgroup(long pid, String content) throws IOException {
    Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(dir.resolve("cgroup"), content + "\n");
  }

  static String render(ExpositionFormatWriter writer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.write(out, families, EscapingScheme.ALLOW_UTF8);
    return out.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpus.prom", "gpus.openmetrics.txt"})
  void theExpositionIsExactlyTheCommittedOne(String file) throws IOException {
    ExpositionFormatWriter writer =
        file.endsWith(".prom")
            ? PrometheusTextFormatWriter.create()
            : OpenMetricsTextFormatWriter.create();
    String rendered = render(writer);
    assertThat(render(writer))
        .as("the same readings render the same text twice")
        .isEqualTo(rendered);
    GoldenFile.assertMatches(GOLDEN.resolve(file), rendered);
  }

  /** promtool 2.42 reads only the 0.0.4 text format (it takes OpenMetrics counters for untyped). */
  @Test
  void promtoolAcceptsTheCommittedTextExposition() throws IOException {
    Promtool.checkMetrics(Files.readString(GOLDEN.resolve("gpus.prom")));
  }

  /**
   * The golden file says what the scenario set: a few of its readings, by family, as a dashboard
   * reads them.
   */
  @Test
  void theCommittedExpositionHoldsTheScenariosReadings() throws IOException {
    Exposition gpus = Exposition.parse(Files.readString(GOLDEN.resolve("gpus.prom")));
    assertThat(gpus).hasGauge("opspulse_gpu_probe_up").withValue(1);
    assertThat(gpus).hasGauge("opspulse_gpu_devices").withValue(2);
    assertThat(gpus).hasGauge("opspulse_gpu_poll_duration_seconds").withValue(0.003);
    assertThat(gpus).hasGauge("hw_temperature_celsius").withLabels("gpu", "1").withValue(55);
    assertThat(gpus).hasGauge("hw_power_watts").withLabels("gpu", "0").withValue(123.456);
    assertThat(gpus)
        .hasCounter("opspulse_gpu_xid_errors")
        .withLabels("gpu", "0", "xid", "79")
        .withValue(1);
    // Two ollama runners (4 GiB and 1 GiB) on GPU 1, summed for their container.
    assertThat(gpus)
        .hasGauge("opspulse_gpu_container_memory_bytes")
        .withLabels("gpu", "1", "container_name", "ai-ollama-1")
        .withValue(5368709120.0);
  }
}
