package io.opspulse.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.catalog.GpuMetrics;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The enums behind label values match the closed sets the catalog promises rules and dashboards.
 */
class CatalogLabelValuesTest {
  @Test
  void throttleReasonsAreTheCatalogs() {
    assertThat(Arrays.stream(ThrottleReason.values()).map(ThrottleReason::label))
        .containsExactlyElementsOf(GpuMetrics.THROTTLE_REASONS);
  }

  @Test
  void probeStatusesAreTheCatalogs() {
    assertThat(Arrays.stream(ProbeStatus.values()).map(ProbeStatus::label))
        .containsExactlyElementsOf(GpuMetrics.PROBE_STATUSES);
  }

  @Test
  void processTypesAreTheCatalogs() {
    assertThat(Arrays.stream(ProcessType.values()).map(ProcessType::label))
        .containsExactlyElementsOf(GpuMetrics.PROCESS_TYPES);
    assertThat(ProcessType.of(true, true, false)).isEqualTo(ProcessType.COMPUTE_GRAPHICS);
    assertThat(ProcessType.of(true, false, true))
        .as("an MPS client stays one")
        .isEqualTo(ProcessType.MPS);
    assertThat(ProcessType.of(false, true, false)).isEqualTo(ProcessType.GRAPHICS);
  }

  @Test
  void nvlinkErrorTypesFollowNvmlsCounterOrder() {
    assertThat(GpuMetrics.NVLINK_ERROR_TYPES)
        .hasSize(NvmlLayouts.NVLINK_ERROR_COUNTERS)
        .startsWith("replay", "recovery", "crc_flit", "crc_data", "ecc_data");
  }

  @Test
  void migProfilesComeFromTheMigDevicesName() {
    assertThat(MigDevice.profileOf("NVIDIA A100-SXM4-40GB MIG 1g.5gb")).isEqualTo("1g.5gb");
    assertThat(MigDevice.profileOf("NVIDIA H100 80GB HBM3 MIG 1g.10gb+me")).isEqualTo("1g.10gb+me");
    assertThat(MigDevice.profileOf("Odd name")).isEqualTo("Odd name");
  }

  @Test
  void throttleBitsAreNvmlsAndDistinct() {
    assertThat(ThrottleReason.fromMask(0x1FF)).containsExactly(ThrottleReason.values());
    assertThat(ThrottleReason.fromMask(0x40 | 0x1000))
        .containsExactly(ThrottleReason.HW_THERMAL_SLOWDOWN);
    assertThat(ThrottleReason.fromMask(0)).isEmpty();
  }

  @Test
  void unknownNvmlCodesMapToUnknown() {
    assertThat(NvmlReturn.of(15)).isEqualTo(NvmlReturn.GPU_IS_LOST);
    assertThat(NvmlReturn.of(999)).isEqualTo(NvmlReturn.UNKNOWN);
    assertThat(NvmlReturn.of(4711)).isEqualTo(NvmlReturn.UNKNOWN);
    assertThat(NvmlReturn.of(-1)).isEqualTo(NvmlReturn.UNKNOWN);
  }
}
