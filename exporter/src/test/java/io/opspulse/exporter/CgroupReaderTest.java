package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One fixture tree per layout Docker runs on: cgroup v1 and v2, host and private cgroup namespaces.
 */
class CgroupReaderTest {
  private static final String ID =
      "66f5c3dfce3cf7828976a880af54975caa6e6e904027c909b82875cce5196f37";
  private static final String OTHER =
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final String EXPORTER =
      "feedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedface";

  @TempDir Path dir;

  @Test
  void parsesCgroupV1Lines() {
    var paths =
        CgroupReader.parseProcCgroup(
            """
        12:pids:/docker/%1$s
        4:memory:/docker/%1$s
        2:cpu,cpuacct:/docker/%1$s
        1:name=systemd:/docker/%1$s
        0::/docker/%1$s
        """
                .formatted(ID));
    assertThat(paths)
        .containsEntry("pids", "/docker/" + ID)
        .containsEntry("cpuacct", "/docker/" + ID)
        .containsEntry("cpu", "/docker/" + ID)
        .containsEntry("memory", "/docker/" + ID)
        .containsEntry("", "/docker/" + ID)
        .containsKey("name=systemd");
  }

  @Test
  void v1CgroupfsDriverWithSeparateCpuAndCpuacctMounts() {
    // The layout of the machine these tests run on: cpu and cpuacct mounted apart, a unified folder
    // beside them (hybrid), containers under /docker/<id>.
    CgroupReader r =
        CgroupTree.v1(dir, false)
            .v1Container("docker/" + OTHER, 9_000_000_000L, 1, 1)
            .v1Container("docker/" + ID, 2_500_000_000L, 1_048_576, 7)
            .process(
                42,
                """
            9:name=systemd:/docker/%1$s
            8:pids:/docker/%1$s
            4:memory:/docker/%1$s
            2:cpuacct:/docker/%1$s
            1:cpu:/docker/%1$s
            0::/
            """
                    .formatted(ID))
            .reader();
    assertThat(r.isUnified()).isFalse();
    assertThat(r.read(ID, 42)).isEqualTo(new ContainerUsage(2.5, 1_048_576, 7));
  }

  @Test
  void v1SystemdDriverWithJoinedCpuMount() {
    String scope = "system.slice/docker-" + ID + ".scope";
    CgroupReader r =
        CgroupTree.v1(dir, true)
            .v1Container(scope, 4_000_000_000L, 2_097_152, 12)
            .process(
                42,
                """
            12:pids:/%1$s
            4:memory:/%1$s
            2:cpu,cpuacct:/%1$s
            1:name=systemd:/%1$s
            """
                    .formatted(scope))
            .reader();
    assertThat(r.read(ID, 42)).isEqualTo(new ContainerUsage(4.0, 2_097_152, 12));
  }

  @Test
  void v1WithAPrivateCgroupNamespaceClimbsOutByTheId() {
    // The exporter in its own cgroup namespace on a v1 host sees other containers above its root.
    CgroupReader r =
        CgroupTree.v1(dir, true)
            .v1Container("docker/" + EXPORTER, 1, 1, 1)
            .v1Container("docker/" + ID, 1_000_000_000L, 4096, 2)
            .process(
                42, "12:pids:/../%1$s\n4:memory:/../%1$s\n2:cpu,cpuacct:/../%1$s\n".formatted(ID))
            .reader();
    assertThat(r.read(ID, 42)).isEqualTo(new ContainerUsage(1.0, 4096, 2));
  }

  @Test
  void v2HostNamespaceSystemdDriver() {
    CgroupReader r =
        CgroupTree.v2(dir)
            .v2Container("system.slice/docker-" + ID + ".scope", 1_500_000, 4096, 3)
            .process(7, "0::/system.slice/docker-" + ID + ".scope\n")
            .reader();
    assertThat(r.isUnified()).isTrue();
    assertThat(r.read(ID, 7)).isEqualTo(new ContainerUsage(1.5, 4096, 3));
  }

  @Test
  void v2HostNamespaceCgroupfsDriver() {
    CgroupReader r =
        CgroupTree.v2(dir)
            .v2Container("docker/" + OTHER, 9, 9, 9)
            .v2Container("docker/" + ID, 3_000_000, 8192, 5)
            .process(7, "0::/docker/" + ID + "\n")
            .reader();
    assertThat(r.read(ID, 7)).isEqualTo(new ContainerUsage(3.0, 8192, 5));
  }

  @Test
  void v2PrivateNamespaceOneLevelUp() {
    // Exporter in system.slice/docker-<exporter>.scope with its own namespace; the host's hierarchy
    // mounted as the cgroup root. Its neighbour reads as /../docker-<id>.scope.
    CgroupReader r =
        CgroupTree.v2(dir)
            .v2Container("system.slice/docker-" + EXPORTER + ".scope", 1, 1, 1)
            .v2Container("system.slice/docker-" + OTHER + ".scope", 9, 9, 9)
            .v2Container("system.slice/docker-" + ID + ".scope", 2_000_000, 65536, 4)
            .process(7, "0::/../docker-" + ID + ".scope\n")
            .reader();
    assertThat(r.read(ID, 7)).isEqualTo(new ContainerUsage(2.0, 65536, 4));
  }

  @Test
  void v2PrivateNamespaceTwoLevelsUp() {
    CgroupReader r =
        CgroupTree.v2(dir)
            .v2Container("system.slice/docker-" + ID + ".scope", 2_500_000, 1 << 20, 6)
            .process(7, "0::/../../system.slice/docker-" + ID + ".scope\n")
            .reader();
    assertThat(r.read(ID, 7)).isEqualTo(new ContainerUsage(2.5, 1 << 20, 6));
  }

  @Test
  void v2PrivateNamespaceUnderACustomCgroupParentIsFoundByItsTail() {
    // `--cgroup-parent=batch.slice`: neither usual place; the tail below the namespace finds it.
    CgroupReader r =
        CgroupTree.v2(dir)
            .v2Container("batch.slice/docker-" + ID + ".scope", 500_000, 2048, 1)
            .process(7, "0::/../../batch.slice/docker-" + ID + ".scope\n")
            .reader();
    assertThat(r.read(ID, 7)).isEqualTo(new ContainerUsage(0.5, 2048, 1));
  }

  @Test
  void v2NamespaceRootIsFoundByTheContainerId() {
    // "0::/": the process sits at the root of the reader's namespace. The path says nothing; the id
    // does.
    CgroupReader r =
        CgroupTree.v2(dir)
            .v2Container("system.slice/docker-" + OTHER + ".scope", 9, 9, 9)
            .v2Container("system.slice/docker-" + ID + ".scope", 4_000_000, 3 << 20, 9)
            .process(7, "0::/\n")
            .reader();
    assertThat(r.read(ID, 7)).isEqualTo(new ContainerUsage(4.0, 3 << 20, 9));
  }

  @Test
  void v2NamespaceRootWithTheCgroupfsDriverUnderANestedParent() {
    CgroupReader r =
        CgroupTree.v2(dir)
            .v2Container("ci.slice/runner/docker/" + ID, 1_000_000, 1024, 2)
            .process(7, "0::/\n")
            .reader();
    assertThat(r.read(ID, 7)).isEqualTo(new ContainerUsage(1.0, 1024, 2));
  }

  @Test
  void aProcessInAChildCgroupCountsForTheWholeContainer() {
    // systemd inside a container moves itself to init.scope; the container's usage is its scope's.
    CgroupReader r =
        CgroupTree.v2(dir)
            .v2Container("system.slice/docker-" + ID + ".scope", 6_000_000, 1 << 22, 30)
            .v2Container("system.slice/docker-" + ID + ".scope/init.scope", 100, 100, 1)
            .process(7, "0::/system.slice/docker-" + ID + ".scope/init.scope\n")
            .reader();
    assertThat(r.read(ID, 7)).isEqualTo(new ContainerUsage(6.0, 1 << 22, 30));
  }

  @Test
  void anotherContainersFolderIsNeverRead() {
    // The id is nowhere in the tree: nothing is read rather than a neighbour's numbers.
    CgroupReader r =
        CgroupTree.v2(dir)
            .v2Container("system.slice/docker-" + OTHER + ".scope", 9_000_000, 9, 9)
            .process(7, "0::/../docker-" + ID + ".scope\n")
            .reader();
    assertThat(r.read(ID, 7)).isEqualTo(ContainerUsage.NONE);
  }

  @Test
  void aHostilePathNeverLeavesTheRoot() throws Exception {
    CgroupTree t = CgroupTree.v2(dir);
    java.nio.file.Files.writeString(dir.resolve("sys/fs/memory.current"), "123\n");
    CgroupReader r = t.process(7, "0::/../../../../sys/fs\n").process(8, "0::/a\u0000b\n").reader();
    assertThat(r.read(ID, 7)).isEqualTo(ContainerUsage.NONE);
    assertThat(r.read(ID, 8)).isEqualTo(ContainerUsage.NONE);
  }

  @Test
  void aFolderThatAppearsLaterIsFoundOnTheNextPidAndAGoneOneIsForgotten() {
    CgroupTree t = CgroupTree.v2(dir).process(7, "0::/system.slice/docker-" + ID + ".scope\n");
    CgroupReader r = t.reader();
    assertThat(r.read(ID, 7)).isEqualTo(ContainerUsage.NONE);
    // The same container restarted: new pid, now with its cgroup.
    t.v2Container("system.slice/docker-" + ID + ".scope", 1_000_000, 1, 1)
        .process(8, "0::/system.slice/docker-" + ID + ".scope\n");
    assertThat(r.read(ID, 8)).isEqualTo(new ContainerUsage(1.0, 1, 1));
  }

  @Test
  void aGonePidReadsAsNothing() {
    CgroupReader r = new CgroupReader(dir.resolve("proc"), dir.resolve("cgroup"));
    assertThat(r.read(ID, 99999)).isEqualTo(ContainerUsage.NONE);
  }

  @Test
  void cpuStatWithoutUsageIsUnknown() {
    assertThat(CgroupReader.parseUsageUsec("user_usec 5\n")).isEqualTo(-1);
    assertThat(CgroupReader.parseUsageUsec(null)).isEqualTo(-1);
  }
}
