package io.opspulse.gpu;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A compute process on one GPU.
 *
 * @param pid the pid as NVML reports it: the host's pid namespace
 * @param usedMemoryBytes GPU memory it holds; empty when the driver cannot tell (NVML_VALUE_NOT_AVAILABLE)
 * @param smUtilizationPercent share of the SMs it kept busy over the samples since the last poll; empty
 *     when NVML had no sample for it
 * @param pidExists whether {@code /proc/<pid>} exists: false means memory held by a pid that is gone
 *     (or not visible: run with --pid=host)
 * @param owner the container (or host) that runs it
 */
public record GpuProcess(long pid, OptionalLong usedMemoryBytes, OptionalInt smUtilizationPercent,
    boolean pidExists, ProcessOwner owner) {
  public GpuProcess {
    Objects.requireNonNull(usedMemoryBytes, "usedMemoryBytes");
    Objects.requireNonNull(smUtilizationPercent, "smUtilizationPercent");
    Objects.requireNonNull(owner, "owner");
  }
}
