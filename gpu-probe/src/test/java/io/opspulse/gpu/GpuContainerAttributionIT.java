package io.opspulse.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.DockerDaemonExtension;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.PrivateDockerDaemon;
import io.opspulse.testkit.PrometheusServer;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Real containers on the private Docker daemon, their real host pids handed to the NVML stand-in as
 * GPU processes, attributed through the real /proc/<pid>/cgroup, served over HTTP and scraped by a
 * real Prometheus: the per-container GPU series must carry those containers' ids and names.
 */
@ExtendWith(DockerDaemonExtension.class)
class GpuContainerAttributionIT {

  /** A ContainerDirectory from docker inspect, as the exporter's fleet model would hold it. */
  private static ContainerDirectory inspect(PrivateDockerDaemon docker, List<String> ids) {
    Map<String, ContainerRef> byId = new HashMap<>();
    for (String id : ids) {
      String[] f =
          docker
              .dockerOk(
                  "inspect",
                  "-f",
                  "{{.Id}}|{{.Name}}|{{index .Config.Labels \"com.docker.compose.service\"}}",
                  id)
              .split("\\|", -1);
      byId.put(f[0], new ContainerRef(f[0].substring(0, 12), f[1], f[2]));
    }
    return id -> Optional.ofNullable(byId.get(id));
  }

  private static long hostPid(PrivateDockerDaemon docker, String id) {
    return Long.parseLong(docker.dockerOk("inspect", "-f", "{{.State.Pid}}", id));
  }

  @Test
  void perContainerGpuSeriesCarryTheContainersIdsAndNames(PrivateDockerDaemon docker)
      throws Exception {
    String ollama =
        docker.run(
            "--name",
            "gpu-it-ollama-1",
            "--label",
            "com.docker.compose.service=ollama",
            PrivateDockerDaemon.BUSYBOX,
            "sleep",
            "600");
    String worker =
        docker.run(
            "--name",
            "gpu-it-worker-1",
            "--label",
            "com.docker.compose.service=worker",
            PrivateDockerDaemon.BUSYBOX,
            "sleep",
            "600");
    long ollamaPid = hostPid(docker, ollama);
    long workerPid = hostPid(docker, worker);
    long hostPid = ProcessHandle.current().pid();
    Scenario.fullGpus(2)
        .processes(0, ollamaPid + ":4294967296:0", hostPid + ":104857600:2")
        .processes(1, workerPid + ":2147483648:55")
        .install();

    PrometheusRegistry registry = new PrometheusRegistry();
    try (GpuCollector collector =
            GpuCollector.builder()
                .interval(Duration.ofMillis(200))
                .containerDirectory(inspect(docker, List.of(ollama, worker)))
                .start();
        HTTPServer server =
            HTTPServer.builder().hostname("127.0.0.1").port(0).registry(registry).buildAndStart()) {
      registry.register(collector);
      String text = scrape(server.getPort());
      assertThat(text)
          .contains("opspulse_gpu_probe_up 1.0")
          .contains(
              "opspulse_gpu_container_memory_bytes{compose_service=\"ollama\",container_id=\""
                  + ollama.substring(0, 12)
                  + "\",container_name=\"gpu-it-ollama-1\",gpu=\"0\"")
          .contains(
              "opspulse_gpu_container_memory_bytes{compose_service=\"worker\",container_id=\""
                  + worker.substring(0, 12)
                  + "\",container_name=\"gpu-it-worker-1\",gpu=\"1\"")
          .contains(
              "opspulse_gpu_container_sm_utilization_ratio{compose_service=\"worker\",container_id=\""
                  + worker.substring(0, 12)
                  + "\",container_name=\"gpu-it-worker-1\",gpu=\"1\"")
          .contains(
              "opspulse_gpu_process_memory_bytes{compose_service=\"\",container_id=\"\",container_name=\"\",gpu=\"0\"")
          .contains(
              "pid=\"" + ollamaPid + "\",pid_exists=\"1\",process_type=\"compute\"} 4.294967296E9");

      try (PrometheusServer prometheus =
          PrometheusServer.builder()
              .scrape("gpu", "127.0.0.1:" + server.getPort())
              .scrapeInterval("1s")
              .start()) {
        var samples =
            Poll.until(
                "Prometheus to scrape the GPU container series",
                Duration.ofSeconds(60),
                () -> {
                  var s =
                      prometheus.query(
                          "opspulse_gpu_container_memory_bytes{container_name=\"gpu-it-ollama-1\"}");
                  return s.isEmpty() ? null : s;
                });
        assertThat(samples)
            .singleElement()
            .satisfies(
                s -> {
                  assertThat(s.label("container_id")).isEqualTo(ollama.substring(0, 12));
                  assertThat(s.label("compose_service")).isEqualTo("ollama");
                  assertThat(s.value()).isEqualTo(4294967296.0);
                });
      }

      // The container goes away but the driver still holds the memory: it stays visible, named.
      docker.dockerOk("rm", "-f", ollama);
      Poll.untilTrue(
          "pid " + ollamaPid + " to be gone",
          Duration.ofSeconds(30),
          () -> !Path.of("/proc", Long.toString(ollamaPid)).toFile().exists());
      collector.pollNow();
      assertThat(scrape(server.getPort()))
          .contains(
              "opspulse_gpu_process_memory_bytes{compose_service=\"ollama\",container_id=\""
                  + ollama.substring(0, 12)
                  + "\",container_name=\"gpu-it-ollama-1\",gpu=\"0\"")
          .contains(
              "pid=\"" + ollamaPid + "\",pid_exists=\"0\",process_type=\"compute\"} 4.294967296E9");
    }
  }

  static String scrape(int port) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
