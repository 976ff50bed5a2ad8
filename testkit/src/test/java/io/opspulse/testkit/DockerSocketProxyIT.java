package io.opspulse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nginx docker-socket-proxy in front of a private daemon, driven by the real docker CLI: what a
 * monitoring agent reads passes (list, inspect, events, streamed as they happen), every write and
 * every other read is refused with 403 and changes nothing.
 */
class DockerSocketProxyIT {
  static PrivateDockerDaemon daemon;
  static DockerSocketProxy proxy;
  static String web;

  @BeforeAll
  static void start() {
    daemon = PrivateDockerDaemon.start().withBusybox();
    web = daemon.run("--name", "web", PrivateDockerDaemon.BUSYBOX, "sleep", "600");
    proxy = DockerSocketProxy.start(daemon);
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void listInspectAndEventsPass() {
    CommandResult ps = proxy.docker(List.of("ps", "--no-trunc", "--format", "{{.ID}} {{.Names}}"));
    assertThat(ps.exitCode()).as(ps.stderr()).isZero();
    assertThat(ps.stdout().strip()).isEqualTo(web + " web");

    CommandResult inspect =
        proxy.docker(List.of("inspect", "--format", "{{.Id}} {{.State.Running}}", "web"));
    assertThat(inspect.exitCode()).as(inspect.stderr()).isZero();
    assertThat(inspect.stdout().strip()).isEqualTo(web + " true");

    long now = Instant.now().getEpochSecond();
    CommandResult events =
        proxy.docker(
            List.of(
                "events",
                "--since",
                Long.toString(now - 600),
                "--until",
                Long.toString(now + 1),
                "--filter",
                "type=container",
                "--format",
                "{{.Status}} {{.Actor.Attributes.name}}"));
    assertThat(events.exitCode()).as(events.stderr()).isZero();
    assertThat(events.stdout().lines()).contains("create web", "start web");

    assertThat(proxy.docker(List.of("version")).exitCode()).isZero();
    assertThat(proxy.docker(List.of("info", "--format", "{{.ContainersRunning}}")).stdout().strip())
        .isEqualTo("1");
    assertThat(proxy.curl("GET", "/v1.41/containers/" + web + "/json")).startsWith("200 {");
    assertThat(proxy.curl("GET", "/containers/json?all=1")).startsWith("200 [");
  }

  @Test
  void theEventStreamPassesEachEventAsItHappens(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("events.log");
    try (ManagedProcess events =
        ManagedProcess.start(
            "docker events via proxy",
            List.of(
                "docker",
                "events",
                "--filter",
                "type=container",
                "--format",
                "{{.Status}} {{.Actor.Attributes.name}}"),
            Map.of("DOCKER_HOST", proxy.dockerHost()),
            log)) {
      Poll.untilTrue(
          "the event stream to be open",
          Duration.ofSeconds(30),
          () ->
              proxy.requests().stream()
                  .anyMatch(r -> r.startsWith("GET /v") && r.contains("/events")));
      String id = daemon.run("--name", "streamed", PrivateDockerDaemon.BUSYBOX, "sleep", "600");
      Poll.untilTrue(
          "'start streamed' through the proxy while the stream stays open",
          Duration.ofSeconds(30),
          () -> events.logText().lines().anyMatch("start streamed"::equals));
      assertThat(events.isAlive()).isTrue();
      daemon.dockerOk("rm", "-f", id);
      Poll.untilTrue(
          "'destroy streamed' through the proxy",
          Duration.ofSeconds(30),
          () -> events.logText().lines().anyMatch("destroy streamed"::equals));
    }
  }

  @Test
  void writesAndExecAreRefusedWith403AndChangeNothing() {
    CommandResult run =
        proxy.docker(List.of("run", "--network", "none", PrivateDockerDaemon.BUSYBOX, "true"));
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stderr()).contains("docker-socket-proxy: forbidden");

    CommandResult rm = proxy.docker(List.of("rm", "-f", "web"));
    assertThat(rm.exitCode()).isNotZero();
    assertThat(rm.stderr()).contains("docker-socket-proxy: forbidden");

    CommandResult exec = proxy.docker(List.of("exec", "web", "touch", "/tmp/owned"));
    assertThat(exec.exitCode()).isNotZero();
    assertThat(exec.stderr()).contains("docker-socket-proxy: forbidden");

    CommandResult stop = proxy.docker(List.of("stop", "web"));
    assertThat(stop.exitCode()).isNotZero();

    assertThat(proxy.curl("POST", "/containers/create")).startsWith("403 ");
    assertThat(proxy.curl("POST", "/v1.41/containers/create")).startsWith("403 ");
    assertThat(proxy.curl("DELETE", "/v1.41/containers/web?force=1")).startsWith("403 ");
    assertThat(proxy.curl("POST", "/v1.41/containers/web/json"))
        .as("an allowed path, a write method")
        .startsWith("403 ");
    assertThat(proxy.curl("PUT", "/_ping")).startsWith("403 ");

    List<String> requests = proxy.requests();
    assertThat(requests).anyMatch(r -> r.matches("POST /v1\\.\\d+/containers/create 403"));
    assertThat(requests).anyMatch(r -> r.matches("DELETE /v1\\.\\d+/containers/web\\?force=1 403"));
    assertThat(requests).anyMatch(r -> r.matches("POST /v1\\.\\d+/containers/web/exec 403"));
    assertThat(requests)
        .filteredOn(r -> r.endsWith(" 200") || r.endsWith(" 204"))
        .allMatch(r -> r.startsWith("GET ") || r.startsWith("HEAD "));

    assertThat(daemon.dockerOk("ps", "-a", "--format", "{{.Names}} {{.State}}").lines())
        .as("nothing was created, removed or stopped")
        .contains("web running")
        .doesNotHaveDuplicates()
        .allMatch(l -> l.equals("web running") || l.startsWith("streamed"));
    assertThat(daemon.docker(List.of("exec", "web", "test", "-e", "/tmp/owned")).exitCode())
        .as("no exec ran")
        .isNotZero();
  }

  @Test
  void readsOutsideTheAllowListAndPathTricksAreRefused() {
    for (String path :
        List.of(
            "/containers/web/logs?stdout=1",
            "/v1.41/containers/web/export",
            "/v1.41/containers/web/archive?path=/etc",
            "/images/json",
            "/v1.41/secrets",
            "/networks",
            "/volumes",
            "/containers/web/attach/ws",
            "/v1.41/containers/json/../web/export",
            "/containers/web%2Fexport",
            "/containers/web/./json",
            "//containers/json",
            "/v1.41/containers/web/json/",
            "/v1.41/_ping/../info",
            "/session",
            "/v1.41/exec/abc/json")) {
      assertThat(proxy.curl("GET", path)).as(path).startsWith("403 ");
    }
  }

  @Test
  void nginxIsTheTestsOwnProcessWithItsOwnFiles() throws Exception {
    Path pidFile = proxy.socket().getParent().resolve("nginx.pid");
    assertThat(Long.parseLong(Files.readString(pidFile).strip())).isEqualTo(proxy.pid());
    assertThat(ProcessHandle.current().children().map(ProcessHandle::pid))
        .as("a child of the test JVM")
        .contains(proxy.pid());
  }
}
