package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.DockerDaemonExtension;
import io.opspulse.testkit.DockerSocketProxy;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.PrivateDockerDaemon;
import io.opspulse.testkit.exposition.Exposition;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The exporter behind a real nginx socket proxy that allows only GET on ping, version, info,
 * events, containers/json and containers/{id}/json: it does all of its work, and the proxy never
 * had to refuse it.
 */
@ExtendWith(DockerDaemonExtension.class)
class LeastPrivilegeIT {

  @Test
  void theExporterWorksThroughAReadOnlyAllowListProxy(PrivateDockerDaemon docker) throws Exception {
    String id12 =
        docker
            .run(
                "--name",
                "proxied-loop",
                "--restart",
                "always",
                PrivateDockerDaemon.BUSYBOX,
                "sh",
                "-c",
                "exit 127")
            .substring(0, 12);
    try (DockerSocketProxy proxy = DockerSocketProxy.start(docker);
        Exporter exporter =
            new Exporter(
                    ExporterConfig.builder()
                        .dockerHost(proxy.dockerHost())
                        .listenAddress("127.0.0.1:0")
                        .resyncPeriod(Duration.ofSeconds(1))
                        .gpuEnabled(false)
                        .build())
                .start()) {
      String url = "http://127.0.0.1:" + exporter.port() + "/metrics";
      Poll.untilTrue(
          "restarts and exits through the proxy",
          Duration.ofSeconds(60),
          () -> {
            Exposition m = Exposition.scrape(url);
            return m.find("docker_container_exits_total", "id", id12, "reason", "command_not_found")
                        .orElse(0.0)
                    >= 2
                && m.find("opspulse_exporter_resyncs_total", "cause", "period").orElse(0.0) >= 1;
          });
      assertThat(Exposition.scrape(url).find("docker_up")).contains(1.0);
      List<String> requests = proxy.requests();
      assertThat(requests).isNotEmpty();
      assertThat(requests).allSatisfy(r -> assertThat(r).matches("(GET|HEAD) \\S+ 200"));
      // nginx logs a request when it ends, and the event stream never does: the events counter
      // shows it flows.
      assertThat(Exposition.scrape(url).find("opspulse_exporter_events_total", "action", "die"))
          .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(2));
    } finally {
      docker.dockerOk("rm", "-f", id12);
    }
  }
}
