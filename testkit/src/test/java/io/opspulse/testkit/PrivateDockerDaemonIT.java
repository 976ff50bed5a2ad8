package io.opspulse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The harness itself: a daemon that starts, runs busybox with no network, and leaves nothing
 * behind.
 */
class PrivateDockerDaemonIT {

  @Test
  void runsBusyboxAndLeavesNothingBehindWhenClosed() throws Exception {
    PrivateDockerDaemon daemon = PrivateDockerDaemon.start().withBusybox();
    long pid;
    long containerdPid;
    try {
      pid = daemon.pid();
      containerdPid = daemon.containerdPid();
      assertThat(ProcessHandle.of(pid)).isPresent();
      String out =
          daemon.dockerOk(
              "run", "--rm", "--network", "none", PrivateDockerDaemon.BUSYBOX, "echo", "hello");
      assertThat(out).isEqualTo("hello");
      String id = daemon.run("--name", "sleeper", PrivateDockerDaemon.BUSYBOX, "sleep", "300");
      assertThat(daemon.dockerOk("inspect", "-f", "{{.HostConfig.NetworkMode}}", "sleeper"))
          .isEqualTo("none");
      // The container lives in the daemon's own containerd and namespace, never a host's moby
      // namespace.
      String own =
          Commands.run(
                  List.of(
                      "ctr",
                      "--address",
                      daemon.containerdSocket().toString(),
                      "--namespace",
                      daemon.containerdNamespace(),
                      "containers",
                      "list",
                      "-q"),
                  Map.of(),
                  null,
                  Duration.ofSeconds(30))
              .orThrow("ctr containers list")
              .stdout();
      assertThat(own.lines()).contains(id);
      assertThat(daemon.containerdNamespace()).isNotEqualTo("moby");
    } finally {
      daemon.close();
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
        .isNotEqualTo(java.util.Optional.of(true));
    assertThat(ProcessHandle.of(containerdPid).map(ProcessHandle::isAlive))
        .isNotEqualTo(java.util.Optional.of(true));
    assertThat(daemon.leftoverProcesses()).isEmpty();
    assertThat(Files.exists(daemon.socket())).isFalse();
    // No mount of dockerd's (its data root's private bind, its netns) outlives the daemon.
    String root = daemon.root().toString();
    assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo")))
        .noneMatch(line -> line.split(" ")[4].startsWith(root));
    assertThat(Files.exists(daemon.root())).isFalse();
  }
}
