package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.DockerDaemonExtension;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.PrivateDockerDaemon;
import io.opspulse.testkit.exposition.Exposition;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An engine (through a proxy) that answers some inspects with 500, some with garbage, stalls on
 * one, and cuts the event stream mid-chunk: the exporter keeps every other container right, keeps
 * the last known state of those it cannot read, keeps {@code docker_up} 1, and recovers the stream.
 */
@ExtendWith(DockerDaemonExtension.class)
class HostileEngineIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void badAnswersForSomeContainersSpoilNothingElse(PrivateDockerDaemon docker) throws Exception {
    String good = docker.run("--name", "he-good", PrivateDockerDaemon.BUSYBOX, "sleep", "300");
    String fails = docker.run("--name", "he-500", PrivateDockerDaemon.BUSYBOX, "sleep", "300");
    String garbage =
        docker.run("--name", "he-garbage", PrivateDockerDaemon.BUSYBOX, "sleep", "300");
    String stalls = docker.run("--name", "he-stall", PrivateDockerDaemon.BUSYBOX, "sleep", "300");
    AtomicBoolean hostile = new AtomicBoolean();
    AtomicInteger streamsCut = new AtomicInteger();
    try (EngineProxy proxy =
            new EngineProxy(
                docker.root().resolve("hostile.sock"),
                docker.socket(),
                path -> {
                  if (path.startsWith("/events")) {
                    return streamsCut.getAndIncrement() == 0
                        ? new EngineProxy.Cut(40)
                        : EngineProxy.PASS;
                  }
                  if (!hostile.get()) {
                    return EngineProxy.PASS;
                  }
                  if (path.startsWith("/containers/" + fails + "/json")) {
                    return new EngineProxy.Respond(500, "{\"message\":\"boom\"}");
                  }
                  if (path.startsWith("/containers/" + garbage + "/json")) {
                    return new EngineProxy.Respond(200, "{\"Id\": [unterminated");
                  }
                  if (path.startsWith("/containers/" + stalls + "/json")) {
                    return new EngineProxy.Stall();
                  }
                  return EngineProxy.PASS;
                });
        Exporter exporter =
            new Exporter(
                    ExporterConfig.builder()
                        .dockerHost(proxy.dockerHost())
                        .listenAddress("127.0.0.1:0")
                        .gpuEnabled(false)
                        .resyncPeriod(Duration.ofSeconds(1))
                        .engineTimeout(Duration.ofSeconds(2))
                        .build())
                .start()) {
      String url = "http://127.0.0.1:" + exporter.port() + "/metrics";
      Poll.untilTrue(
          "every container seen",
          WAIT,
          () -> {
            Exposition m = Exposition.scrape(url);
            return java.util.stream.Stream.of(good, fails, garbage, stalls)
                .allMatch(
                    id ->
                        m.find(
                                    "docker_container_state",
                                    "id",
                                    id.substring(0, 12),
                                    "state",
                                    "running")
                                .orElse(0.0)
                            == 1);
          });

      hostile.set(true);
      // The first event stream is cut inside the chunk of the first event it carries: this stop's.
      // The
      // exporter must resync, reopen the stream from before that event, and see the stop.
      docker.dockerOk("stop", "-t", "0", good);
      Poll.untilTrue(
          "the good container's stop seen",
          WAIT,
          () ->
              Exposition.scrape(url)
                      .find(
                          "docker_container_state", "id", good.substring(0, 12), "state", "exited")
                      .orElse(0.0)
                  == 1);
      assertThat(streamsCut).hasValueGreaterThanOrEqualTo(2);
      Poll.untilTrue(
          "the cut stream counted",
          WAIT,
          () ->
              Exposition.scrape(url)
                      .find("opspulse_exporter_resyncs_total", "cause", "stream_broken")
                      .orElse(0.0)
                  >= 1);
      Poll.untilTrue(
          "inspect errors counted",
          WAIT,
          () ->
              Exposition.scrape(url)
                      .find("opspulse_exporter_docker_api_errors_total", "operation", "inspect")
                      .orElse(0.0)
                  >= 6);
      double resyncs =
          Exposition.scrape(url)
              .find("opspulse_exporter_resyncs_total", "cause", "period")
              .orElseThrow();
      Poll.untilTrue(
          "periodic resyncs going on",
          WAIT,
          () ->
              Exposition.scrape(url)
                      .find("opspulse_exporter_resyncs_total", "cause", "period")
                      .orElse(0.0)
                  >= resyncs + 2);

      Exposition m = Exposition.scrape(url);
      assertThat(m.find("docker_up")).contains(1.0);
      for (String id : new String[] {fails, garbage, stalls}) {
        // Last known state kept: still there, still running.
        assertThat(m.find("docker_container_state", "id", id.substring(0, 12), "state", "running"))
            .as(id)
            .contains(1.0);
      }

      // The reopened stream goes on delivering events.
      String late = docker.run("--name", "he-late", PrivateDockerDaemon.BUSYBOX, "sleep", "300");
      try {
        Poll.untilTrue(
            "a container started after the disturbances",
            WAIT,
            () ->
                Exposition.scrape(url)
                        .find(
                            "docker_container_state",
                            "id",
                            late.substring(0, 12),
                            "state",
                            "running")
                        .orElse(0.0)
                    == 1);
        assertThat(Exposition.scrape(url).find("docker_up")).contains(1.0);
      } finally {
        docker.dockerOk("rm", "-f", late);
      }
    } finally {
      docker.dockerOk("rm", "-f", good, fails, garbage, stalls);
    }
  }
}
