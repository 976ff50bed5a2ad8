package io.opspulse.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The real JNA binding against the stand-in built with today's versioned symbols. */
class NvmlBindingTest {
  private static final String CONTAINER_A =
      "4f2a9c1d0b3e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c";

  @TempDir Path tmp;

  private GpuProbe open() {
    return GpuProbe.builder().procRoot(tmp).build();
  }

  @Test
  void structOffsetsMatchWhatGccLaysOutForTheNvmlHeaderDeclarations() {
    Scenario.empty().install();
    try (GpuProbe probe = open()) {
      Map<String, Integer> expected =
          Map.ofEntries(
              Map.entry("nvmlMemory_t", NvmlLayouts.MEMORY_V1_SIZE),
              Map.entry("nvmlMemory_t.used", NvmlLayouts.MEMORY_V1_USED),
              Map.entry("nvmlMemory_v2_t", NvmlLayouts.MEMORY_V2_SIZE),
              Map.entry("nvmlMemory_v2_t.total", NvmlLayouts.MEMORY_V2_TOTAL),
              Map.entry("nvmlMemory_v2_t.reserved", NvmlLayouts.MEMORY_V2_RESERVED),
              Map.entry("nvmlMemory_v2_t.used", NvmlLayouts.MEMORY_V2_USED),
              Map.entry("nvmlMemory_v2", NvmlLayouts.MEMORY_V2_VERSION_VALUE),
              Map.entry("nvmlUtilization_t", NvmlLayouts.UTILIZATION_SIZE),
              Map.entry("nvmlProcessInfo_v1_t", NvmlLayouts.PROCESS_V1_SIZE),
              Map.entry("nvmlProcessInfo_v1_t.usedGpuMemory", NvmlLayouts.PROCESS_USED_MEMORY),
              Map.entry("nvmlProcessInfo_v2_t", NvmlLayouts.PROCESS_V2_SIZE),
              Map.entry("nvmlProcessInfo_v2_t.usedGpuMemory", NvmlLayouts.PROCESS_USED_MEMORY),
              Map.entry("nvmlProcessInfo_r535_t", NvmlLayouts.PROCESS_R535_SIZE),
              Map.entry("nvmlProcessUtilizationSample_t", NvmlLayouts.SAMPLE_SIZE),
              Map.entry("nvmlProcessUtilizationSample_t.timeStamp", NvmlLayouts.SAMPLE_TIMESTAMP),
              Map.entry("nvmlProcessUtilizationSample_t.smUtil", NvmlLayouts.SAMPLE_SM_UTIL),
              Map.entry("nvmlPciInfo_t", NvmlLayouts.PCI_SIZE),
              Map.entry("nvmlPciInfo_t.busId", NvmlLayouts.PCI_BUS_ID),
              Map.entry("nvmlPciInfo_v1_t", NvmlLayouts.PCI_V1_SIZE),
              Map.entry("nvmlEventData_t", NvmlLayouts.EVENT_DATA_SIZE),
              Map.entry("nvmlEventData_t.eventType", NvmlLayouts.EVENT_TYPE),
              Map.entry("nvmlEventData_t.eventData", NvmlLayouts.EVENT_DATA),
              Map.entry("nvmlEventData_t.gpuInstanceId", NvmlLayouts.EVENT_GPU_INSTANCE));
      expected.forEach(
          (what, offset) ->
              assertThat(StandinHooks.layout(probe, what)).as(what).isEqualTo(offset));
      assertThat(NvmlLayouts.MEMORY_V2_VERSION_VALUE).isEqualTo(0x02000028);
    }
  }

  @Test
  void readsEveryFieldOfEveryGpu() {
    Scenario.fullGpus(2).install();
    try (GpuProbe probe = open()) {
      GpuSnapshot s = probe.poll();
      assertThat(s.status()).isEqualTo(ProbeStatus.OK);
      assertThat(s.driverVersion()).isEqualTo("550.54.15");
      assertThat(s.devices()).hasSize(2);
      GpuDevice d = s.devices().get(1);
      assertThat(d.index()).isEqualTo(1);
      assertThat(d.name()).isEqualTo("NVIDIA A100-SXM4-40GB");
      assertThat(d.uuid()).isEqualTo("GPU-3b4c5d6e-0000-1111-2222-333344445551");
      assertThat(d.pciBusId()).isEqualTo("00000000:08:00.0");
      assertThat(d.lost()).isFalse();
      assertThat(d.gpuUtilizationPercent()).hasValue(38);
      assertThat(d.memoryUtilizationPercent()).hasValue(13);
      // _v2 memory: used excludes the driver's reservation (v1 would add it).
      assertThat(d.memoryUsedBytes()).hasValue(2147483648L);
      assertThat(d.memoryTotalBytes()).hasValue(42949672960L);
      assertThat(d.temperatureCelsius()).hasValue(55);
      assertThat(d.powerMilliwatts()).hasValue(123457);
      assertThat(d.powerLimitMilliwatts()).hasValue(400000);
      assertThat(d.energyMillijoules()).hasValue(987654322L);
      assertThat(d.smClockMhz()).hasValue(1410);
      assertThat(d.memoryClockMhz()).hasValue(1215);
      assertThat(d.throttleReasons())
          .contains(EnumSet.of(ThrottleReason.SW_POWER_CAP, ThrottleReason.HW_THERMAL_SLOWDOWN));
      assertThat(d.eccCorrected()).hasValue(4);
      assertThat(d.eccUncorrected()).hasValue(1);
      assertThat(d.processes()).isEmpty();
      GpuHealth h = d.health();
      assertThat(h.pcieReplays()).hasValue(3);
      assertThat(h.pcieTxBytesPerSecond()).as("KB/s x 1024").hasValue(1001L * 1024);
      assertThat(h.pcieRxBytesPerSecond()).hasValue(2001L * 1024);
      assertThat(h.nvLinks())
          .containsExactly(
              new NvLink(
                  0,
                  true,
                  Map.of(
                      "replay",
                      6L,
                      "recovery",
                      0L,
                      "crc_flit",
                      0L,
                      "crc_data",
                      0L,
                      "ecc_data",
                      0L)),
              new NvLink(
                  1,
                  true,
                  Map.of(
                      "replay",
                      0L,
                      "recovery",
                      0L,
                      "crc_flit",
                      7L,
                      "crc_data",
                      0L,
                      "ecc_data",
                      0L)),
              new NvLink(2, false, Map.of()));
      assertThat(h.retiredPagesSingleBit()).hasValue(2);
      assertThat(h.retiredPagesDoubleBit()).hasValue(1);
      assertThat(h.retiredPagesPending()).contains(false);
      assertThat(h.remappedRows()).contains(new RemappedRows(5, 1, false, false));
      assertThat(h.xidErrors()).isEmpty();
      assertThat(d.migEnabled()).contains(false);
      assertThat(d.migDevices()).isEmpty();
      assertThat(d.unavailable()).isEmpty();
      assertThat(s.devices().get(0).uuid()).isEqualTo("GPU-3b4c5d6e-0000-1111-2222-333344445550");
    }
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "name, NOT_SUPPORTED, NAME",
    "uuid, NO_PERMISSION, UUID",
    "pci, NOT_SUPPORTED, PCI_BUS_ID",
    "utilization, NOT_SUPPORTED, UTILIZATION",
    "memory, NO_PERMISSION, MEMORY",
    "temperature, NOT_SUPPORTED, TEMPERATURE",
    "power, NOT_SUPPORTED, POWER",
    "power_limit, NOT_SUPPORTED, POWER_LIMIT",
    "energy, NOT_SUPPORTED, ENERGY",
    "clock.sm, NOT_SUPPORTED, SM_CLOCK",
    "clock.memory, NOT_SUPPORTED, MEMORY_CLOCK",
    "clock_event_reasons, NOT_SUPPORTED, THROTTLE_REASONS",
    "ecc, NOT_SUPPORTED, ECC_CORRECTED ECC_UNCORRECTED",
    "processes, NO_PERMISSION, PROCESSES",
    "process_utilization, NOT_SUPPORTED, PROCESS_UTILIZATION",
    "temperature, UNKNOWN, TEMPERATURE",
    "power, 77, POWER",
    "graphics_processes, NO_PERMISSION, GRAPHICS_PROCESSES",
    "mps_processes, NOT_SUPPORTED, MPS_PROCESSES",
    "events, NOT_SUPPORTED, XID_EVENTS",
    "pcie_replays, NOT_SUPPORTED, PCIE_REPLAYS",
    "pcie_throughput, NOT_SUPPORTED, PCIE_THROUGHPUT",
    "nvlink, NOT_SUPPORTED, NVLINK",
    "retired_pages, NOT_SUPPORTED, RETIRED_PAGES",
    "remapped_rows, NOT_SUPPORTED, REMAPPED_ROWS",
    "mig, NOT_SUPPORTED, MIG_MODE",
  })
  void oneFailingFieldHidesNoOther(String standinField, String error, String fields) {
    Scenario.fullGpus(1)
        .processes(0, ProcessHandle.current().pid() + ":1048576:20")
        .fail(0, standinField, error)
        .install();
    Set<GpuField> failed =
        java.util.Arrays.stream(fields.split(" "))
            .map(GpuField::valueOf)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(GpuField.class)));
    NvmlReturn code =
        error.matches("\\d+") ? NvmlReturn.of(Integer.parseInt(error)) : NvmlReturn.valueOf(error);
    try (GpuProbe probe = open()) {
      GpuDevice d = probe.poll().devices().get(0);
      assertThat(d.unavailable().keySet()).isEqualTo(failed);
      assertThat(d.unavailable().values()).containsOnly(code);
      assertThat(d.lost()).isFalse();
      assertPresentUnlessFailed(d, failed);
    }
  }

  private static void assertPresentUnlessFailed(GpuDevice d, Set<GpuField> failed) {
    assertThat(d.name().isEmpty()).as("name").isEqualTo(failed.contains(GpuField.NAME));
    assertThat(d.uuid().isEmpty()).as("uuid").isEqualTo(failed.contains(GpuField.UUID));
    assertThat(d.pciBusId().isEmpty()).as("pci").isEqualTo(failed.contains(GpuField.PCI_BUS_ID));
    assertThat(d.gpuUtilizationPercent().isEmpty())
        .as("util")
        .isEqualTo(failed.contains(GpuField.UTILIZATION));
    assertThat(d.memoryUsedBytes().isEmpty())
        .as("memory")
        .isEqualTo(failed.contains(GpuField.MEMORY));
    assertThat(d.temperatureCelsius().isEmpty())
        .as("temp")
        .isEqualTo(failed.contains(GpuField.TEMPERATURE));
    assertThat(d.powerMilliwatts().isEmpty())
        .as("power")
        .isEqualTo(failed.contains(GpuField.POWER));
    assertThat(d.powerLimitMilliwatts().isEmpty())
        .as("limit")
        .isEqualTo(failed.contains(GpuField.POWER_LIMIT));
    assertThat(d.energyMillijoules().isEmpty())
        .as("energy")
        .isEqualTo(failed.contains(GpuField.ENERGY));
    assertThat(d.smClockMhz().isEmpty())
        .as("sm clock")
        .isEqualTo(failed.contains(GpuField.SM_CLOCK));
    assertThat(d.memoryClockMhz().isEmpty())
        .as("mem clock")
        .isEqualTo(failed.contains(GpuField.MEMORY_CLOCK));
    assertThat(d.throttleReasons().isEmpty())
        .as("throttle")
        .isEqualTo(failed.contains(GpuField.THROTTLE_REASONS));
    assertThat(d.eccCorrected().isEmpty())
        .as("ecc")
        .isEqualTo(failed.contains(GpuField.ECC_CORRECTED));
    assertThat(d.processes().isEmpty())
        .as("processes")
        .isEqualTo(failed.contains(GpuField.PROCESSES));
    GpuHealth h = d.health();
    assertThat(h.pcieReplays().isEmpty())
        .as("pcie replays")
        .isEqualTo(failed.contains(GpuField.PCIE_REPLAYS));
    assertThat(h.pcieTxBytesPerSecond().isEmpty())
        .as("pcie tx")
        .isEqualTo(failed.contains(GpuField.PCIE_THROUGHPUT));
    assertThat(h.nvLinks().isEmpty()).as("nvlink").isEqualTo(failed.contains(GpuField.NVLINK));
    assertThat(h.retiredPagesSingleBit().isEmpty())
        .as("retired")
        .isEqualTo(failed.contains(GpuField.RETIRED_PAGES));
    assertThat(h.remappedRows().isEmpty())
        .as("remapped")
        .isEqualTo(failed.contains(GpuField.REMAPPED_ROWS));
    assertThat(d.migEnabled().isEmpty())
        .as("mig mode")
        .isEqualTo(failed.contains(GpuField.MIG_MODE));
    if (!failed.contains(GpuField.PROCESSES)) {
      assertThat(d.processes().get(0).smUtilizationPercent().isEmpty())
          .as("sm share")
          .isEqualTo(failed.contains(GpuField.PROCESS_UTILIZATION));
    }
  }

  @Test
  void aLostGpuIsMarkedLostKeepsItsIdentityAndTheOthersKeepReporting() {
    Scenario.fullGpus(3).install();
    try (GpuProbe probe = open()) {
      assertThat(probe.poll().devices()).noneMatch(GpuDevice::lost);
      Scenario.fullGpus(3).gpu(1, "lost", 1).install();
      GpuSnapshot s = probe.poll();
      assertThat(s.status()).isEqualTo(ProbeStatus.OK);
      GpuDevice lost = s.devices().get(1);
      assertThat(lost.lost()).isTrue();
      assertThat(lost.uuid()).isEqualTo("GPU-3b4c5d6e-0000-1111-2222-333344445551");
      assertThat(lost.gpuUtilizationPercent()).isEmpty();
      assertThat(lost.memoryUsedBytes()).isEmpty();
      assertThat(s.devices().get(0).gpuUtilizationPercent()).hasValue(37);
      assertThat(s.devices().get(2).gpuUtilizationPercent()).hasValue(39);
      assertThat(s.devices().get(2).lost()).isFalse();
    }
  }

  @Test
  void aGpuLostBeforeTheFirstPollIsReportedLostWithoutIdentity() {
    Scenario.fullGpus(2).gpu(0, "lost", 1).install();
    try (GpuProbe probe = open()) {
      GpuSnapshot s = probe.poll();
      assertThat(s.devices().get(0).lost()).isTrue();
      assertThat(s.devices().get(0).uuid()).isEmpty();
      assertThat(s.devices().get(1).memoryTotalBytes()).hasValue(42949672960L);
    }
  }

  @Test
  void theProcessListGrowsUntilItFits() {
    String[] many = new String[150];
    for (int i = 0; i < many.length; i++) {
      many[i] = (3_000_000 + i) + ":" + (1_000_000L * (i + 1)) + ":" + (i % 100);
    }
    Scenario.fullGpus(1).processes(0, many).install();
    try (GpuProbe probe = open()) {
      List<GpuProcess> ps = probe.poll().devices().get(0).processes();
      assertThat(ps).hasSize(150);
      assertThat(ps.get(149).pid()).isEqualTo(3_000_149);
      assertThat(ps.get(149).usedMemoryBytes()).hasValue(150_000_000L);
      assertThat(ps.get(42).smUtilizationPercent()).hasValue(42);
    }
  }

  @Test
  void aProcessListThatNeverFitsIsGivenUpAfterBoundedAttemptsAndTheRestStillReports() {
    Scenario.fullGpus(1).processes(0, "123:1:1").gpu(0, "processes_always_grow", 1).install();
    try (GpuProbe probe = open()) {
      GpuDevice d = probe.poll().devices().get(0);
      assertThat(d.unavailable())
          .containsExactly(Map.entry(GpuField.PROCESSES, NvmlReturn.INSUFFICIENT_SIZE));
      assertThat(d.processes()).isEmpty();
      assertThat(d.temperatureCelsius()).hasValue(54);
    }
  }

  @Test
  void r535DriversThatFill32ByteEntriesThroughV3AreReadAtTheirRealStride() {
    Scenario.fullGpus(1)
        .set("process_struct_bytes", 32)
        .processes(0, "1001:111:10", "1002:222:20", "1003:333:30")
        .install();
    try (GpuProbe probe = open()) {
      List<GpuProcess> ps = probe.poll().devices().get(0).processes();
      assertThat(ps).extracting(GpuProcess::pid).containsExactly(1001L, 1002L, 1003L);
      assertThat(ps)
          .extracting(p -> p.usedMemoryBytes().getAsLong())
          .containsExactly(111L, 222L, 333L);
    }
  }

  @Test
  void processesAreAttributedToTheirContainerOrHostAndGonePidsStayVisible() throws IOException {
    long self = ProcessHandle.current().pid();
    writeCgroup(self, "0::/user.slice/user-1000.slice/session-3.scope\n");
    writeCgroup(4242, "0::/system.slice/docker-" + CONTAINER_A + ".scope\n");
    Scenario.fullGpus(1).processes(0, self + ":1048576:5", "4242:2097152:60", "4343:-:0").install();
    try (GpuProbe probe = open()) {
      List<GpuProcess> ps = probe.poll().devices().get(0).processes();
      assertThat(ps.get(0).owner()).isEqualTo(ProcessOwner.HOST);
      assertThat(ps.get(0).pidExists()).isTrue();
      assertThat(ps.get(1).owner().containerIds()).containsExactly(CONTAINER_A);
      assertThat(ps.get(1).owner().runtime()).isEqualTo("docker");
      assertThat(ps.get(1).smUtilizationPercent()).hasValue(60);
      assertThat(ps.get(2).pidExists()).isFalse();
      assertThat(ps.get(2).owner()).isEqualTo(ProcessOwner.GONE);
      assertThat(ps.get(2).usedMemoryBytes()).as("NVML_VALUE_NOT_AVAILABLE").isEmpty();

      // The container's process exits but the driver still holds its memory: keep who it was.
      Files.delete(tmp.resolve("4242/cgroup"));
      Files.delete(tmp.resolve("4242"));
      GpuProcess gone = probe.poll().devices().get(0).processes().get(1);
      assertThat(gone.pidExists()).isFalse();
      assertThat(gone.owner().containerIds()).containsExactly(CONTAINER_A);
      assertThat(gone.usedMemoryBytes()).hasValue(2097152);
    }
  }

  @Test
  void aPidListedOncePerMigInstanceBecomesOneProcessWithItsMemorySummed() {
    Scenario.fullGpus(1).processes(0, "1234:100:5", "1234:200:5", "1235:50:0").install();
    try (GpuProbe probe = open()) {
      List<GpuProcess> ps = probe.poll().devices().get(0).processes();
      assertThat(ps).extracting(GpuProcess::pid).containsExactly(1234L, 1235L);
      assertThat(ps.get(0).usedMemoryBytes()).hasValue(300);
    }
  }

  @Test
  void nvmlIsInitialisedOnceNotPerPoll() {
    Scenario.fullGpus(2).processes(0, "1:1:1").install();
    try (GpuProbe probe = open()) {
      int before = StandinHooks.initCalls(probe);
      for (int i = 0; i < 20; i++) {
        assertThat(probe.poll().ok()).isTrue();
      }
      assertThat(StandinHooks.initCalls(probe)).isEqualTo(before);
    }
  }

  @Test
  void aFailingInitIsReportedWithNvmlsCodeAndPollsNeverThrow() {
    Scenario.fullGpus(1).set("init", "DRIVER_NOT_LOADED").install();
    try (GpuProbe probe = open()) {
      assertThat(probe.status()).isEqualTo(ProbeStatus.INIT_FAILED);
      GpuSnapshot s = probe.poll();
      assertThat(s.status()).isEqualTo(ProbeStatus.INIT_FAILED);
      assertThat(s.reason()).contains("DRIVER_NOT_LOADED").contains("Driver Not Loaded");
      assertThat(s.devices()).isEmpty();
    }
  }

  @Test
  void aHostWithoutGpusIsOkWithNoDevices() {
    Scenario.empty().set("gpus", 0).install();
    try (GpuProbe probe = open()) {
      GpuSnapshot s = probe.poll();
      assertThat(s.status()).isEqualTo(ProbeStatus.OK);
      assertThat(s.devices()).isEmpty();
    }
  }

  @Test
  void aClosedProbeSaysSo() {
    Scenario.fullGpus(1).install();
    GpuProbe probe = open();
    probe.close();
    assertThat(probe.poll().status()).isEqualTo(ProbeStatus.CLOSED);
  }

  private void writeCgroup(long pid, String content) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(Long.toString(pid)));
    Files.writeString(dir.resolve("cgroup"), content);
  }
}
