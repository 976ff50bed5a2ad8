package io.opspulse.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

/**
 * A host with no NVML at all: the GPU collector serves its status beside the other metrics, which
 * keep working. Its own JVM (failsafe reuseForks=false), with the library pinned to a missing path
 * so a GPU host gives the same answer.
 */
class NoNvmlServeIT {
  static {
    System.setProperty(NvmlLibrary.LIBRARY_PROPERTY, "/nonexistent/" + NvmlLibrary.SONAME);
  }

  @Test
  void theCollectorServesOnlyItsStatusAndEverythingElseKeepsWorking() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    Gauge other =
        Gauge.builder()
            .name("docker_up")
            .help("stands for the exporter's other metrics")
            .register(registry);
    other.set(1);
    try (GpuCollector collector = GpuCollector.builder().start();
        HTTPServer server =
            HTTPServer.builder().hostname("127.0.0.1").port(0).registry(registry).buildAndStart()) {
      registry.register(collector);
      String text = GpuContainerAttributionIT.scrape(server.getPort());
      assertThat(text)
          .contains("opspulse_gpu_probe_up 0.0")
          .contains("opspulse_gpu_probe_status{status=\"library_missing\"} 1.0")
          .contains("docker_up 1.0")
          .doesNotContain("hw_gpu")
          .doesNotContain("opspulse_gpu_devices");
      assertThat(Thread.getAllStackTraces().keySet())
          .as("no poller without NVML")
          .noneMatch(t -> t.getName().equals("opspulse-gpu-poller"));
    }
  }
}
