package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.ManagedProcess;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import io.opspulse.testkit.PrivateDockerDaemon;
import io.opspulse.testkit.PrometheusServer;
import io.opspulse.testkit.exposition.Exposition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded soak with chaos: containers created, exiting and removed as fast as the CLI goes, with a
 * real Prometheus scraping the exporter (a separate JVM, as deployed) every second; then the engine
 * is SIGKILLed and restarted mid-churn. No exit is lost or counted twice, counters never reset,
 * threads and memory stay flat. {@code -Dsoak.seconds=N} sets each phase's length (CI: 30; the
 * figures in docs/benchmarks.md come from longer runs).
 */
class SoakIT {
  private static final int SECONDS = Integer.getInteger("soak.seconds", 30);
  private static final int WORKERS = 4;

  @Test
  void churnWithAnEngineCrashLosesNoExitAndLeaksNothing(@TempDir Path dir) throws Exception {
    Path jar = Path.of("target/opspulse-exporter.jar").toAbsolutePath();
    assertThat(jar)
        .as("the exporter's fat jar (built in package, before integration tests)")
        .exists();
    try (PrivateDockerDaemon docker = PrivateDockerDaemon.start().withBusybox()) {
      int port = Ports.freeLoopbackPort();
      try (ManagedProcess exporter =
              ManagedProcess.start(
                  "exporter",
                  List.of(
                      "java",
                      "-XX:+UseSerialGC",
                      "-Xmx96m",
                      "-jar",
                      jar.toString(),
                      "--docker.host",
                      docker.dockerHost(),
                      "--web.listen-address",
                      "127.0.0.1:" + port,
                      "--gpu.enabled",
                      "false"),
                  Map.of(),
                  dir.resolve("exporter.log"));
          PrometheusServer prometheus =
              PrometheusServer.builder()
                  .scrape("docker", "127.0.0.1:" + port)
                  .scrapeInterval("1s")
                  .start()) {
        String url = "http://127.0.0.1:" + port + "/metrics";
        Poll.untilTrue(
            "the exporter up",
            Duration.ofSeconds(60),
            () -> Exposition.scrape(url).find("docker_up").orElse(0.0) == 1);

        // Phase 1: churn. Every container exits 3 once, then is removed: exits must equal runs
        // exactly.
        int runs1 = churn(docker, "one", Duration.ofSeconds(SECONDS));
        Poll.untilTrue(
            "every phase-1 exit counted", Duration.ofSeconds(60), () -> exits(url, "one") == runs1);
        long threadsAfterPhase1 = status(exporter.pid(), "Threads:");
        long rssAfterPhase1 = status(exporter.pid(), "VmRSS:");
        long heapAfterPhase1 = heapUsedAfterGcKib(exporter.pid());

        // Chaos: SIGKILL the engine under the exporter, start it again, churn again.
        docker.crash();
        Poll.untilTrue(
            "docker_up 0",
            Duration.ofSeconds(60),
            () -> Exposition.scrape(url).find("docker_up").orElse(1.0) == 0);
        docker.restartDaemon();
        Poll.untilTrue(
            "docker_up 1 again",
            Duration.ofSeconds(90),
            () -> Exposition.scrape(url).find("docker_up").orElse(0.0) == 1);
        int runs2 = churn(docker, "two", Duration.ofSeconds(SECONDS));
        Poll.untilTrue(
            "every phase-2 exit counted", Duration.ofSeconds(60), () -> exits(url, "two") == runs2);
        assertThat(exits(url, "one"))
            .as("phase-1 counts survive the engine crash")
            .isEqualTo(runs1);

        // Let the churn's last changes settle, then compare with after phase 1.
        Thread.sleep(3000);
        long threads = status(exporter.pid(), "Threads:");
        long rss = status(exporter.pid(), "VmRSS:");
        assertThat(threads)
            .as("exporter threads after vs before the crash and second churn")
            .isLessThanOrEqualTo(threadsAfterPhase1 + 2);
        // RSS follows the heap's growth towards -Xmx, which is no leak: what must stay flat is the
        // live heap.
        long heap = heapUsedAfterGcKib(exporter.pid());
        assertThat(heap)
            .as("live heap after a full GC (KiB), after vs before the crash and second churn")
            .isLessThan(heapAfterPhase1 * 3 / 2 + 4096);

        // Prometheus saw it all at 1 s: no counter reset, and the exporter target never failed a
        // scrape.
        Poll.untilTrue(
            "Prometheus to have scraped the end",
            Duration.ofSeconds(30),
            () ->
                prometheus
                    .query("sum(compose_service_exits_total{compose_project=\"soak\"})")
                    .stream()
                    .anyMatch(s -> s.value() == runs1 + runs2));
        String window = (2 * SECONDS + 120) + "s";
        assertThat(prometheus.query("sum(resets(compose_service_exits_total[" + window + "]))"))
            .allSatisfy(s -> assertThat(s.value()).isZero());
        assertThat(prometheus.query("min_over_time(up{job=\"docker\"}[" + window + "])"))
            .singleElement()
            .satisfies(s -> assertThat(s.value()).isEqualTo(1));
        System.out.printf(
            "soak: %d s per phase, %d + %d containers run and counted, %d threads, RSS %d -> %d KiB, "
                + "live heap %d -> %d KiB%n",
            SECONDS, runs1, runs2, threads, rssAfterPhase1, rss, heapAfterPhase1, heap);
      }
    }
  }

  /**
   * Runs containers that exit 3 at once and removes them, for {@code length}; returns how many ran.
   */
  private static int churn(PrivateDockerDaemon docker, String service, Duration length)
      throws InterruptedException {
    AtomicInteger runs = new AtomicInteger();
    long end = System.nanoTime() + length.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
    for (int w = 0; w < WORKERS; w++) {
      pool.submit(
          () -> {
            List<String> ids = new ArrayList<>();
            while (System.nanoTime() < end) {
              var r =
                  docker.docker(
                      List.of(
                          "run",
                          "-d",
                          "--network",
                          "none",
                          "--label",
                          "com.docker.compose.project=soak",
                          "--label",
                          "com.docker.compose.service=" + service,
                          PrivateDockerDaemon.BUSYBOX,
                          "sh",
                          "-c",
                          "exit 3"));
              if (r.exitCode() == 0) {
                runs.incrementAndGet();
                ids.add(r.stdout().strip());
              }
              if (ids.size() >= 5) {
                List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                rm.addAll(ids);
                docker.docker(rm);
                ids.clear();
              }
            }
            if (!ids.isEmpty()) {
              List<String> rm = new ArrayList<>(List.of("rm", "-f"));
              rm.addAll(ids);
              docker.docker(rm);
            }
            return null;
          });
    }
    pool.shutdown();
    pool.awaitTermination(length.toSeconds() + 120, TimeUnit.SECONDS);
    return runs.get();
  }

  private static int exits(String url, String service) {
    return (int)
        Exposition.scrape(url)
            .find(
                "compose_service_exits_total",
                "compose_project",
                "soak",
                "compose_service",
                service,
                "reason",
                "error")
            .orElse(0.0)
            .doubleValue();
  }

  /** Forces a full GC in the exporter (jcmd) and returns the heap it still uses. */
  private static long heapUsedAfterGcKib(long pid) {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    io.opspulse.testkit.Commands.run(
            List.of(jcmd, Long.toString(pid), "GC.run"), Map.of(), null, Duration.ofSeconds(60))
        .orThrow("jcmd GC.run");
    String info =
        io.opspulse.testkit.Commands.run(
                List.of(jcmd, Long.toString(pid), "GC.heap_info"),
                Map.of(),
                null,
                Duration.ofSeconds(60))
            .orThrow("jcmd GC.heap_info")
            .stdout();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
    long used = 0;
    while (m.find()) {
      used += Long.parseLong(m.group(1));
    }
    if (used == 0) {
      throw new IllegalStateException("no heap figures in: " + info);
    }
    return used;
  }

  private static long status(long pid, String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
  }
}
