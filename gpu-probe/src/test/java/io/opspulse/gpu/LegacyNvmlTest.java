package io.opspulse.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.Poll;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binding against an old driver that exports only unversioned symbols (the stand-in built with
 * -DOPSPULSE_LEGACY_NVML): nvmlInit, nvmlDeviceGetMemoryInfo, 16-byte process entries, the original
 * nvmlPciInfo_t and nvmlDeviceGetCurrentClocksThrottleReasons. Runs in a JVM of its own (surefire
 * reuseForks=false), which is what lets it load a different library than the other classes.
 */
class LegacyNvmlTest {
  static {
    System.setProperty(
        NvmlLibrary.LIBRARY_PROPERTY,
        Path.of(System.getProperty("opspulse.nvml.standin.dir"), "legacy", NvmlLibrary.SONAME)
            .toString());
  }

  @TempDir Path proc;

  @Test
  void everySymbolFallsBackToTheVersionTheDriverHas() {
    NvmlLibrary lib = NvmlLibrary.load().library().orElseThrow();
    assertThat(lib.file).endsWith("legacy/" + NvmlLibrary.SONAME);
    assertThat(lib.memoryV2).isFalse();
    assertThat(lib.computeProcesses.layout()).isEqualTo(NvmlLibrary.ProcessLayout.V1);
    assertThat(lib.graphicsProcesses.layout()).isEqualTo(NvmlLibrary.ProcessLayout.V1);
    assertThat(lib.graphicsProcesses.function()).isNotNull();
    assertThat(lib.mpsProcesses.function()).as("drivers before MPS process lists").isNull();
    assertThat(lib.eventSetWait.getName()).isEqualTo("nvmlEventSetWait");
    assertThat(lib.pciLayout).isEqualTo(NvmlLibrary.PciLayout.V1);
    assertThat(lib.clockEventReasons).isNotNull();
  }

  @Test
  void readsEveryFieldThroughTheOldSymbols() {
    Scenario.fullGpus(2).processes(1, "2001:1000:10", "2002:2000:20", "2003:3000:30").install();
    try (GpuProbe probe = GpuProbe.builder().procRoot(proc).build()) {
      GpuSnapshot s = probe.poll();
      assertThat(s.status()).isEqualTo(ProbeStatus.OK);
      GpuDevice d = s.devices().get(1);
      // The one reading an old driver cannot give: MPS clients.
      assertThat(d.unavailable())
          .containsExactly(Map.entry(GpuField.MPS_PROCESSES, NvmlReturn.FUNCTION_NOT_FOUND));
      // The v1 struct counts the driver's reservation as used.
      assertThat(d.memoryUsedBytes()).hasValue(2147483648L + 536870912L);
      assertThat(d.memoryTotalBytes()).hasValue(42949672960L);
      assertThat(d.pciBusId()).isEqualTo("0000:08:00.0");
      assertThat(d.throttleReasons())
          .contains(EnumSet.of(ThrottleReason.SW_POWER_CAP, ThrottleReason.HW_THERMAL_SLOWDOWN));
      List<GpuProcess> ps = d.processes();
      assertThat(ps).extracting(GpuProcess::pid).containsExactly(2001L, 2002L, 2003L);
      assertThat(ps)
          .extracting(p -> p.usedMemoryBytes().getAsLong())
          .containsExactly(1000L, 2000L, 3000L);
      assertThat(ps)
          .extracting(p -> p.smUtilizationPercent().getAsInt())
          .containsExactly(10, 20, 30);
      assertThat(d.health().pcieReplays()).hasValue(3);
      assertThat(d.health().nvLinks()).hasSize(3);
    }
  }

  @Test
  void xidEventsArriveThroughTheOriginalEventSetWaitAndItsShorterStruct() {
    Scenario.fullGpus(1).gpu(0, "xid", "31, 31").install();
    try (GpuProbe probe = GpuProbe.builder().procRoot(proc).build()) {
      assertThat(probe.watchingXidEvents()).isTrue();
      Poll.untilTrue(
          "two XID 31 events to be counted",
          java.time.Duration.ofSeconds(30),
          () -> probe.poll().devices().get(0).health().xidErrors().equals(Map.of(31L, 2L)));
    }
  }
}
