package io.opspulse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The harness itself: a daemon that starts, runs busybox with no network, and leaves nothing behind. */
class PrivateDockerDaemonIT {

  @Test
  void runsBusyboxAndLeavesNothingBehindWhenClosed() {
    PrivateDockerDaemon daemon = PrivateDockerDaemon.start().withBusybox();
    long pid;
    try {
      pid = daemon.pid();
      assertThat(ProcessHandle.of(pid)).isPresent();
      String out = daemon.dockerOk("run", "--rm", "--network", "none", PrivateDockerDaemon.BUSYBOX, "echo", "hello");
      assertThat(out).isEqualTo("hello");
      daemon.run("--name", "sleeper", PrivateDockerDaemon.BUSYBOX, "sleep", "300");
      assertThat(daemon.dockerOk("inspect", "-f", "{{.HostConfig.NetworkMode}}", "sleeper")).isEqualTo("none");
    } finally {
      daemon.close();
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    assertThat(daemon.leftoverProcesses()).isEmpty();
    assertThat(Files.exists(daemon.socket())).isFalse();
  }
}
