package io.opspulse.gpu;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One GPU as one poll read it. Every reading is optional on its own: {@link #unavailable} says
 * which NVML code kept each missing one away. A lost GPU (GPU_IS_LOST) keeps the identity read
 * before it was lost and has no readings.
 */
public record GpuDevice(
    int index,
    String uuid,
    String name,
    String pciBusId,
    boolean lost,
    OptionalInt gpuUtilizationPercent,
    OptionalInt memoryUtilizationPercent,
    OptionalLong memoryUsedBytes,
    OptionalLong memoryTotalBytes,
    OptionalInt temperatureCelsius,
    OptionalLong powerMilliwatts,
    OptionalLong powerLimitMilliwatts,
    OptionalLong energyMillijoules,
    OptionalLong smClockMhz,
    OptionalLong memoryClockMhz,
    Optional<Set<ThrottleReason>> throttleReasons,
    OptionalLong eccCorrected,
    OptionalLong eccUncorrected,
    List<GpuProcess> processes,
    GpuHealth health,
    Optional<Boolean> migEnabled,
    List<MigDevice> migDevices,
    Map<GpuField, NvmlReturn> unavailable) {

  public GpuDevice {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pciBusId, "pciBusId");
    throttleReasons = throttleReasons.map(Set::copyOf);
    processes = List.copyOf(processes);
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(migEnabled, "migEnabled");
    migDevices = List.copyOf(migDevices);
    unavailable = unavailable.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(unavailable));
  }
}
