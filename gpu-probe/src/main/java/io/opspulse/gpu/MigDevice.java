package io.opspulse.gpu;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One MIG instance of a GPU in MIG mode, read through its own NVML device handle.
 *
 * @param slot its index among the parent's MIG devices (nvmlDeviceGetMigDeviceHandleByIndex)
 * @param gpuInstanceId the GPU instance id, -1 when NVML would not tell
 * @param profile the instance's profile as its name states it ("1g.10gb"), or its whole name
 */
public record MigDevice(
    int slot,
    String uuid,
    String name,
    int gpuInstanceId,
    String profile,
    OptionalLong memoryUsedBytes,
    OptionalLong memoryTotalBytes,
    List<GpuProcess> processes,
    Map<GpuField, NvmlReturn> unavailable) {
  public MigDevice {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(profile, "profile");
    processes = List.copyOf(processes);
    unavailable = unavailable.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(unavailable));
  }

  /**
   * "NVIDIA A100-SXM4-40GB MIG 1g.5gb" names profile 1g.5gb; a name without " MIG " is kept whole.
   */
  static String profileOf(String name) {
    int at = name.lastIndexOf("MIG ");
    return at < 0 ? name : name.substring(at + 4).strip();
  }
}
