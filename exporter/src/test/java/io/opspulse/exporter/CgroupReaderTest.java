package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupReaderTest {
  private static final String ID = "66f5c3dfce3cf7828976a880af54975caa6e6e904027c909b82875cce5196f37";

  @Test
  void parsesCgroupV1Lines() {
    var paths = CgroupReader.parseProcCgroup("""
        12:pids:/docker/%1$s
        4:memory:/docker/%1$s
        2:cpu,cpuacct:/docker/%1$s
        1:name=systemd:/docker/%1$s
        0::/docker/%1$s
        """.formatted(ID));
    assertThat(paths).containsEntry("pids", "/docker/" + ID).containsEntry("cpuacct", "/docker/" + ID)
        .containsEntry("cpu", "/docker/" + ID).containsEntry("memory", "/docker/" + ID)
        .containsEntry("", "/docker/" + ID).containsKey("name=systemd");
  }

  @Test
  void parsesCgroupV2SystemdScope() {
    var paths = CgroupReader.parseProcCgroup("0::/system.slice/docker-" + ID + ".scope\n");
    assertThat(paths).containsOnlyKeys("").containsEntry("", "/system.slice/docker-" + ID + ".scope");
  }

  @Test
  void readsUsageFromAV1Tree(@TempDir Path root) throws Exception {
    Path proc = root.resolve("proc");
    Path cg = root.resolve("cgroup");
    Files.createDirectories(proc.resolve("42"));
    Files.writeString(proc.resolve("42/cgroup"), "8:pids:/docker/x\n4:memory:/docker/x\n2:cpu,cpuacct:/docker/x\n");
    Files.createDirectories(cg.resolve("cpu,cpuacct/docker/x"));
    Files.createDirectories(cg.resolve("memory/docker/x"));
    Files.createDirectories(cg.resolve("pids/docker/x"));
    Files.writeString(cg.resolve("cpu,cpuacct/docker/x/cpuacct.usage"), "2500000000\n");
    Files.writeString(cg.resolve("memory/docker/x/memory.usage_in_bytes"), "1048576\n");
    Files.writeString(cg.resolve("pids/docker/x/pids.current"), "7\n");
    CgroupReader r = new CgroupReader(proc, cg);
    assertThat(r.isUnified()).isFalse();
    assertThat(r.read(42)).isEqualTo(new ContainerUsage(2.5, 1048576, 7));
  }

  @Test
  void readsUsageFromAV2Tree(@TempDir Path root) throws Exception {
    Path proc = root.resolve("proc");
    Path cg = root.resolve("cgroup");
    Files.createDirectories(proc.resolve("7"));
    Files.writeString(proc.resolve("7/cgroup"), "0::/system.slice/docker-x.scope\n");
    Path dir = Files.createDirectories(cg.resolve("system.slice/docker-x.scope"));
    Files.writeString(cg.resolve("cgroup.controllers"), "cpu memory pids\n");
    Files.writeString(dir.resolve("cpu.stat"), "usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n");
    Files.writeString(dir.resolve("memory.current"), "4096\n");
    Files.writeString(dir.resolve("pids.current"), "3\n");
    CgroupReader r = new CgroupReader(proc, cg);
    assertThat(r.isUnified()).isTrue();
    assertThat(r.read(7)).isEqualTo(new ContainerUsage(1.5, 4096, 3));
  }

  @Test
  void aGonePidReadsAsNothing(@TempDir Path root) {
    CgroupReader r = new CgroupReader(root.resolve("proc"), root.resolve("cgroup"));
    assertThat(r.read(99999)).isEqualTo(ContainerUsage.NONE);
  }

  @Test
  void cpuStatWithoutUsageIsUnknown() {
    assertThat(CgroupReader.parseUsageUsec("user_usec 5\n")).isEqualTo(-1);
    assertThat(CgroupReader.parseUsageUsec(null)).isEqualTo(-1);
  }
}
