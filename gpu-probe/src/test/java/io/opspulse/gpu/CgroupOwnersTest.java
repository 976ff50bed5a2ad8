package io.opspulse.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Container attribution from /proc/<pid>/cgroup, on lines as real hosts write them. */
class CgroupOwnersTest {
  static final String A = "8c2a3f7e91b04d5c6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b";
  static final String B = "e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4";
  static final String POD = "pod1f4e5c2a-8b7d-4c1e-9a6f-2d3b4c5d6e7f";
  static final String POD_SLICE =
      "kubepods-burstable-pod1f4e5c2a_8b7d_4c1e_9a6f_2d3b4c5d6e7f.slice";

  private static void assertContainer(String cgroup, String runtime, String... ids) {
    ProcessOwner owner = CgroupOwners.parse(cgroup);
    assertThat(owner.kind()).as(cgroup).isEqualTo(ProcessOwner.Kind.CONTAINER);
    assertThat(owner.containerIds()).as(cgroup).containsExactly(ids);
    assertThat(owner.runtime()).as(cgroup).isEqualTo(runtime);
  }

  @Test
  void dockerOnCgroupV1WithTheCgroupfsDriver() {
    assertContainer(
        """
        12:pids:/docker/%1$s
        11:hugetlb:/docker/%1$s
        10:net_cls,net_prio:/docker/%1$s
        9:perf_event:/docker/%1$s
        8:memory:/docker/%1$s
        7:devices:/docker/%1$s
        6:cpu,cpuacct:/docker/%1$s
        5:blkio:/docker/%1$s
        4:freezer:/docker/%1$s
        3:cpuset:/docker/%1$s
        2:rdma:/
        1:name=systemd:/docker/%1$s
        0::/system.slice/containerd.service
        """
            .formatted(A),
        "docker",
        A);
  }

  @Test
  void dockerOnCgroupV1WithTheSystemdDriver() {
    assertContainer(
        """
        11:memory:/system.slice/docker-%1$s.scope
        4:pids:/system.slice/docker-%1$s.scope
        1:name=systemd:/system.slice/docker-%1$s.scope
        """
            .formatted(A),
        "docker",
        A);
  }

  @Test
  void dockerOnCgroupV2() {
    assertContainer("0::/system.slice/docker-" + A + ".scope\n", "docker", A);
    assertContainer("0::/docker/" + A + "\n", "docker", A);
    // A container running systemd (or any sub-cgroup) below its scope.
    assertContainer("0::/system.slice/docker-" + A + ".scope/init.scope\n", "docker", A);
  }

  @Test
  void pathsSeenFromAnotherCgroupNamespaceClimbOutWithDotDot() {
    assertContainer("0::/../docker-" + A + ".scope\n", "docker", A);
    assertContainer("0::/../../system.slice/docker-" + A + ".scope\n", "docker", A);
  }

  @Test
  void hybridHostsWhereOnlySomeHierarchiesNameTheContainer() {
    assertContainer(
        """
        5:cpuset:/
        4:memory:/
        1:name=systemd:/
        0::/system.slice/docker-%s.scope
        """
            .formatted(A),
        "docker",
        A);
  }

  @Test
  void kubernetesWithContainerdAndTheSystemdDriver() {
    assertContainer(
        "0::/kubepods.slice/kubepods-burstable.slice/"
            + POD_SLICE
            + "/cri-containerd-"
            + A
            + ".scope\n",
        "containerd",
        A);
  }

  @Test
  void kubernetesWithTheCgroupfsDriver() {
    assertContainer("11:memory:/kubepods/burstable/" + POD + "/" + A + "\n", "kubernetes", A);
    assertContainer("8:pids:/kubepods/besteffort/" + POD + "/" + A + "\n", "kubernetes", A);
    assertContainer("0::/kubepods/" + POD + "/" + A + "\n", "kubernetes", A);
  }

  @Test
  void kubernetesWithCriO() {
    assertContainer(
        "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1f4e5c2a_8b7d.slice/crio-"
            + A
            + ".scope\n",
        "cri-o",
        A);
  }

  @Test
  void podmanRootfulRootlessAndCgroupfs() {
    assertContainer("0::/machine.slice/libpod-" + A + ".scope/container\n", "podman", A);
    assertContainer(
        "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + A + ".scope\n",
        "podman",
        A);
    assertContainer("1:name=systemd:/libpod_parent/libpod-" + A + "\n", "podman", A);
  }

  @Test
  void nerdctlAndPlainContainerdNamespaces() {
    assertContainer("0::/system.slice/nerdctl-" + A + ".scope\n", "nerdctl", A);
    assertContainer("0::/default/" + A + "\n", "", A);
  }

  @Test
  void otherRunnersThatNameTheContainerByItsBareId() {
    assertContainer("0::/actions_job/" + A + "\n", "", A);
    // ECS: the task id is 32 hex digits and is not a container.
    assertContainer("10:memory:/ecs/0123456789abcdef0123456789abcdef/" + A + "\n", "", A);
  }

  @Test
  void nestedContainersListOutermostFirst() {
    assertContainer("4:memory:/docker/" + A + "/docker/" + B + "\n", "docker", A, B);
    // kind: a Kubernetes node in a Docker container, the pod's container inside it.
    assertContainer(
        "0::/system.slice/docker-"
            + A
            + ".scope/kubelet.slice/kubelet-kubepods.slice/"
            + "kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod1f4e5c2a.slice/cri-containerd-"
            + B
            + ".scope\n",
        "containerd",
        A,
        B);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0::/user.slice/user-1000.slice/session-2.scope\n",
        "0::/init.scope\n",
        "0::/\n",
        "0::/system.slice/ssh.service\n",
        "0::/system.slice/containerd.service\n",
        "12:pids:/\n1:name=systemd:/user.slice/user-0.slice/session-1.scope\n0::/user.slice\n",
        // The runtime's monitor processes sit beside the container, on the host.
        "0::/machine.slice/libpod-conmon-" + A + ".scope\n",
        "0::/kubepods.slice/kubepods-besteffort.slice/crio-conmon-" + A + ".scope\n",
        // Not a container id: 63 and 65 hex digits, upper case.
        "0::/docker/8c2a3f7e91b04d5c6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3\n",
        "0::/docker/8c2a3f7e91b04d5c6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b0\n",
        "0::/docker/8C2A3F7E91B04D5C6A7B8C9D0E1F2A3B4C5D6E7F8091A2B3C4D5E6F708192A3B\n",
        "",
        "garbage without colons\n",
        "0:\n",
      })
  void hostProcessesAndNonContainerPathsAreHost(String cgroup) {
    assertThat(CgroupOwners.parse(cgroup)).as(cgroup).isEqualTo(ProcessOwner.HOST);
  }

  @Test
  void ownerOfReadsTheFileUnderTheConfiguredProcRoot(@TempDir Path proc) throws IOException {
    Files.createDirectories(proc.resolve("77"));
    Files.writeString(proc.resolve("77/cgroup"), "0::/system.slice/docker-" + A + ".scope\n");
    Files.createDirectories(proc.resolve("78"));
    CgroupOwners owners = new CgroupOwners(proc);
    assertThat(owners.ownerOf(77).containerIds()).isEqualTo(List.of(A));
    assertThat(owners.ownerOf(78))
        .as("pid dir without a readable cgroup")
        .isEqualTo(ProcessOwner.UNKNOWN);
    assertThat(owners.ownerOf(79)).as("no such pid").isEqualTo(ProcessOwner.GONE);
    assertThat(owners.exists(77)).isTrue();
    assertThat(owners.exists(79)).isFalse();
  }

  @Test
  void theRealProcOfThisJvmParses() {
    ProcessOwner self = new CgroupOwners(Path.of("/proc")).ownerOf(ProcessHandle.current().pid());
    assertThat(self.kind()).isIn(ProcessOwner.Kind.HOST, ProcessOwner.Kind.CONTAINER);
  }

  @Test
  void theDirectoryResolvesTheOutermostContainerItKnowsAndElseShowsTheInnermostId() {
    ProcessOwner nested = ProcessOwner.container(List.of(A, B), "docker");
    ContainerDirectory knowsOuter =
        ContainerDirectory.of(
            java.util.Map.of(
                A.substring(0, 12),
                new ContainerRef(A.substring(0, 12), "/kind-control-plane", "")));
    assertThat(Attribution.of(nested, knowsOuter))
        .isEqualTo(new Attribution(A.substring(0, 12), "kind-control-plane", ""));
    ContainerDirectory knowsInner =
        ContainerDirectory.of(
            java.util.Map.of(B, new ContainerRef(B.substring(0, 12), "ollama-1", "ollama")));
    assertThat(Attribution.of(nested, knowsInner))
        .isEqualTo(new Attribution(B.substring(0, 12), "ollama-1", "ollama"));
    assertThat(Attribution.of(nested, ContainerDirectory.NONE))
        .isEqualTo(new Attribution(B.substring(0, 12), "", ""));
    assertThat(Attribution.of(ProcessOwner.HOST, knowsInner)).isEqualTo(Attribution.NONE);
  }
}
