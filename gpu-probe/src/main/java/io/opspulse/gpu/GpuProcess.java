package io.opspulse.gpu;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A process on one GPU (or MIG instance): compute, graphics or MPS client.
 *
 * @param pid the pid as NVML reports it: the host's pid namespace
 * @param usedMemoryBytes GPU memory it holds; empty when the driver cannot tell
 *     (NVML_VALUE_NOT_AVAILABLE)
 * @param smUtilizationPercent share of the SMs it kept busy over the samples since the last poll;
 *     empty when NVML had no sample for it
 * @param pidExists whether {@code /proc/<pid>} exists: false means memory held by a pid that is
 *     gone (or not visible: run with --pid=host)
 * @param owner the container (or host) that runs it
 * @param type which of NVML's process lists named it
 */
public record GpuProcess(
    long pid,
    OptionalLong usedMemoryBytes,
    OptionalInt smUtilizationPercent,
    boolean pidExists,
    ProcessOwner owner,
    ProcessType type) {
  public GpuProcess {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(usedMemoryBytes, "usedMemoryBytes");
    Objects.requireNonNull(smUtilizationPercent, "smUtilizationPercent");
    Objects.requireNonNull(owner, "owner");
  }
}
