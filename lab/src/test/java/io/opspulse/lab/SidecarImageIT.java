package io.opspulse.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.catalog.BuildInfo;
import io.opspulse.testkit.CommandResult;
import io.opspulse.testkit.Commands;
import io.opspulse.testkit.DockerSocketProxy;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import io.opspulse.testkit.PrivateDockerDaemon;
import io.opspulse.testkit.PrometheusServer;
import io.opspulse.testkit.PrometheusServer.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The exporter as users run it: the image {@code ./opspulse image} builds offline, started in a
 * Docker engine beside the containers it watches, the way README and docs/deployment.md say
 * (non-root with the socket's group, the socket read-only, {@code --pid=host}, the cgroup hierarchy
 * read-only with the host's cgroup namespace, host network), once on the engine's socket and once
 * behind the read-only socket proxy; a real Prometheus scrapes both and sees the other containers'
 * restarts, CPU and memory. Only the image, the exporter's CLI flags and its metric names are used
 * here.
 */
class SidecarImageIT {
  static final Path REPO = LabIT.REPO;
  static final String IMAGE = "opspulse/exporter:" + BuildInfo.VERSION;
  static final Duration SEEN = Duration.ofSeconds(150);

  static PrivateDockerDaemon docker;
  static DockerSocketProxy proxy;
  static PrometheusServer prometheus;
  static CommandResult imageBuild;

  @BeforeAll
  static void buildImageAndStartSidecars() throws Exception {
    docker = PrivateDockerDaemon.start().withBusybox();
    imageBuild =
        Commands.run(
            List.of(REPO.resolve("scripts/image").toString(), "--no-build"),
            Map.of("DOCKER_HOST", docker.dockerHost()),
            null,
            Duration.ofMinutes(8));
    imageBuild.orThrow("./opspulse image --no-build");

    // The incidents: a crash loop, a container burning CPU, one holding 24 MiB.
    docker.run(
        "--name",
        "crashloop",
        "--restart",
        "always",
        PrivateDockerDaemon.BUSYBOX,
        "sh",
        "-c",
        "sleep 1; exit 3");
    docker.run("--name", "burner", PrivateDockerDaemon.BUSYBOX, "sh", "-c", "while :; do :; done");
    docker.run(
        "--name",
        "holder",
        "--shm-size",
        "64m",
        PrivateDockerDaemon.BUSYBOX,
        "sh",
        "-c",
        "dd if=/dev/zero of=/dev/shm/fill bs=1M count=24 && sleep 3600");

    proxy = DockerSocketProxy.start(docker);
    // The proxy's socket is reachable through its group only, as SECURITY.md sets it up for the
    // exporter.
    Files.setPosixFilePermissions(proxy.socket(), PosixFilePermissions.fromString("rw-rw----"));

    int direct = Ports.freeLoopbackPort();
    int proxied = Ports.freeLoopbackPort();
    sidecar("sidecar-direct", direct, docker.socket(), "/var/run/docker.sock");
    sidecar("sidecar-proxied", proxied, proxy.socket(), "/run/opspulse/docker-proxy.sock");
    prometheus =
        PrometheusServer.builder()
            .scrape("direct", "127.0.0.1:" + direct)
            .scrape("proxied", "127.0.0.1:" + proxied)
            .scrapeInterval("2s")
            .start();
  }

  /** One exporter container, as docs/deployment.md runs it. */
  static void sidecar(String name, int port, Path socket, String socketInContainer)
      throws Exception {
    int gid = (Integer) Files.getAttribute(socket, "unix:gid");
    List<String> run =
        new ArrayList<>(
            List.of(
                "run",
                "-d",
                "--name",
                name,
                "--network",
                "host",
                "--pid",
                "host",
                "--cgroupns",
                "host",
                "--group-add",
                Integer.toString(gid),
                "-v",
                socket + ":" + socketInContainer + ":ro",
                "-v",
                "/sys/fs/cgroup:/sys/fs/cgroup:ro",
                "-e",
                "OPSPULSE_HEALTH_URL=http://127.0.0.1:" + port + "/metrics",
                "--health-interval",
                "2s",
                "--health-start-period",
                "60s",
                IMAGE,
                "--docker.host",
                "unix://" + socketInContainer,
                "--web.listen-address",
                "127.0.0.1:" + port,
                "--gpu.enabled",
                "false",
                "--cgroup.interval",
                "2s",
                "--resync.period",
                "10s"));
    docker.dockerOk(run.toArray(String[]::new));
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (docker != null) {
      docker.close();
    }
  }

  /** The build the image was made from: the exporter jar's own. */
  static JarBuildInfo built() {
    return JarBuildInfo.read(
        REPO.resolve("exporter/target/opspulse-exporter.jar"), JarBuildInfo.EXPORTER_ENTRY);
  }

  @Test
  void theImageIsNonRootLabelledAndHealthChecked() {
    assertThat(imageBuild.stdout())
        .contains("opspulse/exporter:" + BuildInfo.VERSION)
        .contains("docker build -f exporter/Dockerfile");
    assertThat(docker.dockerOk("image", "inspect", "-f", "{{.Config.User}}", IMAGE))
        .isEqualTo("65532:65532");
    assertThat(
            docker.dockerOk(
                "image",
                "inspect",
                "-f",
                "{{index .Config.Labels \"org.opencontainers.image.version\"}} {{index .Config.Labels \"org.opencontainers.image.revision\"}}",
                IMAGE))
        .isEqualTo(built().version() + " " + built().revision());
    assertThat(
            docker.dockerOk("image", "inspect", "-f", "{{json .Config.Healthcheck.Test}}", IMAGE))
        .contains("wget");
    // The agent's image: its jar and nothing to run but the copy.
    String agent = "opspulse/agent:" + BuildInfo.VERSION;
    assertThat(docker.dockerOk("image", "inspect", "-f", "{{json .Config.Entrypoint}}", agent))
        .isEqualTo("[\"/bin/busybox\",\"cp\",\"/opspulse/opspulse-agent.jar\"]");
    // The init-container pattern as documented: it fills a volume that services then mount
    // read-only.
    docker.dockerOk("run", "--rm", "--network", "none", "-v", "opspulse-agent:/target", agent);
    String copied =
        docker.dockerOk(
            "run",
            "--rm",
            "--network",
            "none",
            "-v",
            "opspulse-agent:/opspulse:ro",
            PrivateDockerDaemon.BUSYBOX,
            "sha256sum",
            "/opspulse/opspulse-agent.jar");
    String built =
        Commands.run(
                List.of(
                    "sha256sum", REPO.resolve("javaagent/target/opspulse-agent.jar").toString()),
                Map.of(),
                null,
                Duration.ofSeconds(30))
            .orThrow("sha256sum")
            .stdout();
    assertThat(copied.split("\\s+")[0]).isEqualTo(built.split("\\s+")[0]);

    for (String name : List.of("sidecar-direct", "sidecar-proxied")) {
      Poll.untilTrue(
          name + " to be healthy",
          SEEN,
          () -> {
            String state =
                docker.dockerOk(
                    "inspect", "-f", "{{.State.Status}} {{.State.Health.Status}}", name);
            if (state.startsWith("exited")) {
              throw new AssertionError(
                  name + " exited: " + docker.docker(List.of("logs", name)).stderr());
            }
            return state.equals("running healthy");
          });
      long pid = Long.parseLong(docker.dockerOk("inspect", "-f", "{{.State.Pid}}", name));
      assertThat(uid(pid)).as("uid the exporter runs as").isEqualTo("65532");
    }
  }

  @Test
  void prometheusSeesTheOtherContainersRestartsCpuAndMemoryThroughEitherSocket() {
    for (String job : List.of("direct", "proxied")) {
      String scope = "job=\"" + job + "\"";
      Sample restarts =
          Poll.until(
              job + ": restarts of the crash loop",
              SEEN,
              () ->
                  first("docker_container_restarts_total{" + scope + ",name=\"crashloop\"} >= 2"));
      assertThat(restarts.value()).isGreaterThanOrEqualTo(2);
      Sample exits =
          Poll.until(
              job + ": its exits with code 3",
              SEEN,
              () ->
                  first("docker_container_last_exit_code{" + scope + ",name=\"crashloop\"} == 3"));
      assertThat(exits.value()).isEqualTo(3);
      Sample cpu =
          Poll.until(
              job + ": the burner's CPU",
              SEEN,
              () ->
                  first(
                      "rate(docker_container_cpu_usage_seconds_total{"
                          + scope
                          + ",name=\"burner\"}[20s]) > 0.05"));
      assertThat(cpu.value()).isGreaterThan(0.05);
      Sample memory =
          Poll.until(
              job + ": the holder's 24 MiB",
              SEEN,
              () ->
                  first(
                      "docker_container_memory_usage_bytes{" + scope + ",name=\"holder\"} > 20e6"));
      assertThat(memory.value()).isGreaterThan(20e6);
      Sample build =
          Poll.until(
              job + ": the build",
              SEEN,
              () -> first("opspulse_exporter_build_info{" + scope + "}"));
      assertThat(build.labels())
          .containsEntry("version", built().version())
          .containsEntry("revision", built().revision());
    }
    // The proxied exporter went through the proxy, and only ever read.
    assertThat(proxy.requests()).isNotEmpty().allSatisfy(r -> assertThat(r).startsWith("GET "));
  }

  private static Sample first(String promql) {
    List<Sample> result = prometheus.query(promql);
    return result.isEmpty() ? null : result.get(0);
  }

  private static String uid(long pid) {
    try {
      return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
          .filter(l -> l.startsWith("Uid:"))
          .map(l -> l.split("\\s+")[1])
          .findFirst()
          .orElseThrow();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
