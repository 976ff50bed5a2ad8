package io.opspulse.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A host without NVML: the probe and the collector run, say why, and publish only their status. */
class NoNvmlTest {
  @Test
  void aMissingLibraryIsReportedNotThrown() {
    System.setProperty(NvmlLibrary.LIBRARY_PROPERTY, "/nonexistent/" + NvmlLibrary.SONAME);
    try (GpuCollector collector = GpuCollector.builder().start()) {
      GpuSnapshot s = collector.lastSnapshot();
      assertThat(s.status()).isEqualTo(ProbeStatus.LIBRARY_MISSING);
      assertThat(s.reason())
          .contains("/nonexistent/libnvidia-ml.so.1")
          .contains("NVIDIA container toolkit");
      var families = collector.collect();
      assertThat(families.stream().map(m -> m.getMetadata().getPrometheusName()))
          .containsExactlyInAnyOrder("opspulse_gpu_probe_up", "opspulse_gpu_probe_status");
      assertThat(MetricsText.render(families))
          .contains("opspulse_gpu_probe_up 0.0")
          .contains("opspulse_gpu_probe_status{status=\"library_missing\"} 1.0")
          .contains("opspulse_gpu_probe_status{status=\"ok\"} 0.0");
    } finally {
      System.clearProperty(NvmlLibrary.LIBRARY_PROPERTY);
    }
  }

  @Test
  void theReasonIsLoggedOnceNotPerPoll() {
    System.setProperty(NvmlLibrary.LIBRARY_PROPERTY, "/nonexistent/" + NvmlLibrary.SONAME);
    java.util.logging.Logger jul = java.util.logging.Logger.getLogger(GpuCollector.class.getName());
    java.util.List<java.util.logging.LogRecord> records =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler handler =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            records.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    jul.addHandler(handler);
    try (GpuCollector collector = GpuCollector.builder().start()) {
      for (int i = 0; i < 5; i++) {
        collector.pollNow();
        collector.collect();
      }
      assertThat(records)
          .singleElement()
          .satisfies(
              r ->
                  assertThat(r.getMessage())
                      .contains("No GPU metrics")
                      .contains("library_missing")
                      .contains("/nonexistent/"));
    } finally {
      jul.removeHandler(handler);
      System.clearProperty(NvmlLibrary.LIBRARY_PROPERTY);
    }
  }

  @Test
  void aLibraryThatIsNotNvmlIsRecognisedAsSuch() {
    Path notNvml = Path.of(System.getProperty("java.home"), "lib", "libjava.so");
    System.setProperty(NvmlLibrary.LIBRARY_PROPERTY, notNvml.toString());
    try (GpuProbe probe = GpuProbe.open()) {
      GpuSnapshot s = probe.poll();
      assertThat(s.status()).isEqualTo(ProbeStatus.SYMBOL_MISSING);
      assertThat(s.reason()).contains("nvmlInit");
    } finally {
      System.clearProperty(NvmlLibrary.LIBRARY_PROPERTY);
    }
  }
}
