package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.CommandResult;
import io.opspulse.testkit.Commands;
import io.opspulse.testkit.DockerDaemonExtension;
import io.opspulse.testkit.PrivateDockerDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real container's cgroup as a reader in a private cgroup namespace sees it, the way an exporter
 * in its own container does on a cgroup v2 host: the reader is put in a cgroup of its own and
 * unshares its namespace, so the container's {@code /proc/<pid>/cgroup} lines climb out ({@code
 * /../…/docker/<id>}). CgroupReader must find the same folders as from the host's namespace and
 * read real numbers from them.
 */
@ExtendWith(DockerDaemonExtension.class)
class CgroupNamespaceIT {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");

  @Test
  void aContainersCgroupIsFoundFromAPrivateCgroupNamespace(
      PrivateDockerDaemon docker, @TempDir Path dir) throws Exception {
    String id =
        docker.run(
            PrivateDockerDaemon.BUSYBOX,
            "sh",
            "-c",
            "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; sleep 300");
    long pid = Long.parseLong(docker.dockerOk("inspect", "-f", "{{.State.Pid}}", id).strip());
    boolean unified = Files.exists(ROOT.resolve("cgroup.controllers"));
    // A cgroup of the reader's own in each hierarchy it reads, so every path it sees climbs out of
    // it.
    String name = "opspulse-cgns-it-" + ProcessHandle.current().pid();
    List<Path> own = new ArrayList<>();
    if (unified) {
      own.add(ROOT.resolve(name));
    } else {
      for (String controller : new String[] {"memory", "pids", "cpuacct"}) {
        if (Files.isDirectory(ROOT.resolve(controller))) {
          own.add(ROOT.resolve(controller).toRealPath().resolve(name));
        }
      }
    }
    assertThat(own).as("cgroup hierarchies under %s", ROOT).isNotEmpty();
    String seen;
    try {
      StringBuilder script = new StringBuilder("set -e\n");
      for (Path p : own) {
        script
            .append("mkdir -p '")
            .append(p)
            .append("'\necho $$ > '")
            .append(p)
            .append("/cgroup.procs'\n");
      }
      script.append("exec unshare --cgroup cat /proc/").append(pid).append("/cgroup\n");
      CommandResult r =
          Commands.run(
              List.of("sh", "-c", script.toString()), Map.of(), null, Duration.ofSeconds(30));
      assertThat(r.exitCode())
          .as("reading from a private cgroup namespace: %s", r.stderr())
          .isZero();
      seen = r.stdout();
    } finally {
      for (Path p : own) {
        Files.deleteIfExists(p); // rmdir: the reader has exited, the cgroup is empty
      }
    }
    assertThat(seen).as("what the private namespace shows").contains("/../").contains(id);

    Path proc = dir.resolve("proc");
    Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(proc.resolve(Long.toString(pid)).resolve("cgroup"), seen);
    CgroupReader.Folders fromPrivate = new CgroupReader(proc, ROOT).locate(id, pid);
    CgroupReader.Folders fromHost = new CgroupReader(Path.of("/proc"), ROOT).locate(id, pid);
    assertThat(fromHost).isNotNull();
    assertThat(fromPrivate).isEqualTo(fromHost);
    assertThat(fromPrivate.memory().toString()).contains(id);

    ContainerUsage usage = new CgroupReader(proc, ROOT).read(id, pid);
    assertThat(usage.cpuSeconds()).isGreaterThan(0.0).isLessThan(1e6);
    assertThat(usage.memoryBytes()).isGreaterThan(0L);
    assertThat(usage.pids()).isGreaterThanOrEqualTo(1L);
    docker.dockerOk("rm", "-f", id);
  }
}
