package io.opspulse.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What dcgm-exporter users alert on, through the real binding and the stand-in: XID events on their
 * own thread, NVLink present or not, retired pages and remapped rows, MIG instances as devices,
 * graphics and MPS processes, and nvmlInit retried after failing.
 */
class NvmlHealthTest {
  private static final String CONTAINER =
      "4f2a9c1d0b3e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c";

  @TempDir Path proc;

  private GpuProbe open() {
    return GpuProbe.builder().procRoot(proc).build();
  }

  @Test
  void xidEventsAreCountedByGpuAndCodeAsTheyArriveOnTheirOwnThread() {
    Scenario.fullGpus(2).install();
    try (GpuProbe probe = open()) {
      assertThat(probe.watchingXidEvents()).isTrue();
      assertThat(Thread.getAllStackTraces().keySet())
          .filteredOn(t -> t.getName().equals("opspulse-gpu-xid-events"))
          .isNotEmpty()
          .allMatch(Thread::isDaemon);
      assertThat(probe.poll().devices().get(1).health().xidErrors()).isEmpty();

      // The driver reports XID 79 (fell off the bus) twice and 48 (double-bit ECC) once on GPU 1.
      Scenario.fullGpus(2).gpu(1, "xid", "79, 48, 79").install();
      Map<Long, Long> seen =
          Poll.until(
              "three XID events on GPU 1",
              Duration.ofSeconds(30),
              () -> {
                Map<Long, Long> x = probe.poll().devices().get(1).health().xidErrors();
                return x.values().stream().mapToLong(Long::longValue).sum() == 3 ? x : null;
              });
      assertThat(seen).containsExactly(Map.entry(48L, 1L), Map.entry(79L, 2L));
      assertThat(probe.poll().devices().get(0).health().xidErrors()).isEmpty();
    }
    Poll.untilTrue(
        "the event thread to end with the probe",
        Duration.ofSeconds(10),
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("opspulse-gpu-xid-events")));
  }

  @Test
  void aGpuThatCannotDeliverEventsHasNoXidCountsAndSaysWhy() {
    Scenario.fullGpus(2)
        .fail(0, "events", "NOT_SUPPORTED")
        .gpu(0, "xid", "13")
        .gpu(1, "xid", "13")
        .install();
    try (GpuProbe probe = open()) {
      assertThat(probe.watchingXidEvents()).as("GPU 1 still delivers").isTrue();
      Poll.untilTrue(
          "GPU 1's XID 13",
          Duration.ofSeconds(30),
          () -> probe.poll().devices().get(1).health().xidErrors().equals(Map.of(13L, 1L)));
      GpuDevice gpu0 = probe.poll().devices().get(0);
      assertThat(gpu0.health().xidErrors()).isEmpty();
      assertThat(gpu0.unavailable()).containsEntry(GpuField.XID_EVENTS, NvmlReturn.NOT_SUPPORTED);
    }
  }

  @Test
  void aGpuWithoutNvlinkHasNoLinksAndAnUnsupportedCounterIsLeftOut() {
    Scenario.fullGpus(2)
        .unset("gpu.0.nvlink.links")
        .gpu(1, "nvlink.links", 1)
        .gpu(1, "nvlink.0.ecc_data", "unsupported")
        .install();
    try (GpuProbe probe = open()) {
      List<GpuDevice> d = probe.poll().devices();
      assertThat(d.get(0).health().nvLinks()).isEmpty();
      assertThat(d.get(0).unavailable())
          .containsExactly(Map.entry(GpuField.NVLINK, NvmlReturn.NOT_SUPPORTED));
      assertThat(d.get(1).unavailable()).as("the end of the links is no failure").isEmpty();
      assertThat(d.get(1).health().nvLinks())
          .singleElement()
          .satisfies(
              l -> {
                assertThat(l.link()).isZero();
                assertThat(l.errors())
                    .containsOnlyKeys("replay", "recovery", "crc_flit", "crc_data");
              });
    }
  }

  @Test
  void pcieThroughputIsSampledOnAThreadOfItsOwnSoAPollNeverWaitsTwentyMilliseconds() {
    Scenario.fullGpus(2).install();
    try (GpuProbe probe = open()) {
      assertThat(Thread.getAllStackTraces().keySet())
          .filteredOn(t -> t.getName().equals("opspulse-gpu-pcie"))
          .isNotEmpty()
          .allMatch(Thread::isDaemon);
      assertThat(probe.poll().devices().get(1).health().pcieRxBytesPerSecond())
          .as("sampled at open")
          .hasValue(2001L * 1024);
    }
    Poll.untilTrue(
        "the PCIe thread to end with the probe",
        Duration.ofSeconds(10),
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("opspulse-gpu-pcie")));
  }

  @Test
  void retiredPagesAndRemappedRowsAreReadWithTheirPendingAndFailedFlags() {
    Scenario.fullGpus(1)
        .gpu(0, "retired.sbe", 3)
        .gpu(0, "retired.dbe", 2)
        .gpu(0, "retired.pending", 1)
        .gpu(0, "remapped.correctable", 0)
        .gpu(0, "remapped.uncorrectable", 9)
        .gpu(0, "remapped.pending", 1)
        .gpu(0, "remapped.failed", 1)
        .install();
    try (GpuProbe probe = open()) {
      GpuHealth h = probe.poll().devices().get(0).health();
      assertThat(h.retiredPagesSingleBit()).hasValue(3);
      assertThat(h.retiredPagesDoubleBit()).hasValue(2);
      assertThat(h.retiredPagesPending()).contains(true);
      assertThat(h.remappedRows()).contains(new RemappedRows(0, 9, true, true));
    }
  }

  @Test
  void migInstancesAreDevicesOfTheirOwnWithMemoryAndAttributedProcesses() throws IOException {
    cgroup(8001, "0::/system.slice/docker-" + CONTAINER + ".scope");
    Scenario.fullGpus(1)
        .mig(0, "1g.5gb", "2g.10gb", "3g.20gb")
        .gpu(0, "mig.max", 7)
        .unset("gpu.0.mig.1.gi") // slot 1 empty: NOT_FOUND is skipped, not a failure
        .gpu(0, "mig.0.processes", "8001:1048576")
        .gpu(0, "mig.2.graphics_processes", "8002:2097152")
        .install();
    try (GpuProbe probe = open()) {
      GpuDevice d = probe.poll().devices().get(0);
      assertThat(d.migEnabled()).contains(true);
      assertThat(d.unavailable()).isEmpty();
      assertThat(d.migDevices()).extracting(MigDevice::slot).containsExactly(0, 2);
      MigDevice first = d.migDevices().get(0);
      assertThat(first.gpuInstanceId()).isEqualTo(1);
      assertThat(first.profile()).isEqualTo("1g.5gb");
      assertThat(first.name()).isEqualTo("NVIDIA A100-SXM4-40GB MIG 1g.5gb");
      assertThat(first.uuid()).isEqualTo("MIG-1c2d3e4f-0000-1111-2222-000000000000");
      assertThat(first.memoryTotalBytes()).hasValue(5L << 30);
      assertThat(first.memoryUsedBytes()).hasValue(1L << 30);
      assertThat(first.processes())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.pid()).isEqualTo(8001);
                assertThat(p.owner().containerIds()).containsExactly(CONTAINER);
                assertThat(p.type()).isEqualTo(ProcessType.COMPUTE);
                assertThat(p.smUtilizationPercent()).as("no samples per MIG instance").isEmpty();
              });
      MigDevice third = d.migDevices().get(1);
      assertThat(third.gpuInstanceId()).isEqualTo(3);
      assertThat(third.processes())
          .singleElement()
          .satisfies(p -> assertThat(p.type()).isEqualTo(ProcessType.GRAPHICS));
      assertThat(third.unavailable()).isEmpty();
    }
  }

  @Test
  void graphicsAndMpsProcessesStandBesideComputeOnesWithTheirType() {
    Scenario.fullGpus(1)
        .processes(0, "100:1000:10", "101:2000:0")
        .gpu(0, "graphics_processes", "101:2000, 102:3000")
        .gpu(0, "mps_processes", "103:4000")
        .install();
    try (GpuProbe probe = open()) {
      List<GpuProcess> ps = probe.poll().devices().get(0).processes();
      assertThat(ps)
          .extracting(GpuProcess::pid, GpuProcess::type)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(100L, ProcessType.COMPUTE),
              org.assertj.core.groups.Tuple.tuple(101L, ProcessType.COMPUTE_GRAPHICS),
              org.assertj.core.groups.Tuple.tuple(102L, ProcessType.GRAPHICS),
              org.assertj.core.groups.Tuple.tuple(103L, ProcessType.MPS));
      assertThat(ps.get(1).usedMemoryBytes())
          .as("both lists report the one process: not summed")
          .hasValue(2000);
    }
  }

  @Test
  void aFailedInitIsRetriedWithBackoffUntilNvmlComesUp() {
    Scenario.fullGpus(1).install();
    int before;
    try (GpuProbe probe = open()) {
      before = StandinHooks.initCalls(probe);
    }
    // The next three nvmlInit calls fail (the driver is still loading), the fourth succeeds.
    Scenario.fullGpus(1).set("init.fail_through_call", before + 3).install();
    try (GpuProbe probe =
        GpuProbe.builder()
            .procRoot(proc)
            .initRetry(Duration.ofMillis(20), Duration.ofMillis(80))
            .build()) {
      assertThat(probe.status()).isEqualTo(ProbeStatus.INIT_FAILED);
      assertThat(probe.retryingInit()).isTrue();
      GpuSnapshot failed = probe.poll();
      assertThat(failed.status()).isEqualTo(ProbeStatus.INIT_FAILED);
      // Which attempt depends on how long the build took: the backoff is 20 ms.
      assertThat(failed.reason())
          .contains("DRIVER_NOT_LOADED")
          .containsPattern("attempt [1-3], next in [0-9]+ ms");
      GpuSnapshot ok =
          Poll.until(
              "NVML to come up",
              Duration.ofSeconds(30),
              () -> {
                GpuSnapshot s = probe.poll();
                return s.ok() ? s : null;
              });
      assertThat(ok.devices()).hasSize(1);
      assertThat(probe.initAttempts()).isEqualTo(4);
      assertThat(probe.watchingXidEvents()).isTrue();
    }
  }

  @Test
  void retriesBackOffSoAFailingDriverIsNotAskedAtEveryPoll() {
    Scenario.fullGpus(1).set("init", "DRIVER_NOT_LOADED").install();
    try (GpuProbe probe =
        GpuProbe.builder()
            .procRoot(proc)
            .initRetry(Duration.ofHours(1), Duration.ofHours(2))
            .build()) {
      for (int i = 0; i < 50; i++) {
        assertThat(probe.poll().status()).isEqualTo(ProbeStatus.INIT_FAILED);
      }
      assertThat(probe.initAttempts()).as("the next try is an hour away").isEqualTo(1);
    }
  }

  private void cgroup(long pid, String content) throws IOException {
    Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(dir.resolve("cgroup"), content + "\n");
  }
}
