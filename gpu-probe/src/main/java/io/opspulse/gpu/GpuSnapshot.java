package io.opspulse.gpu;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one {@link GpuProbe#poll()} saw: the probe's status, and every GPU when it is {@link
 * ProbeStatus#OK}.
 *
 * @param reason why the status is what it is, in words for the log (empty when OK)
 */
public record GpuSnapshot(
    ProbeStatus status,
    String reason,
    String driverVersion,
    List<GpuDevice> devices,
    Instant takenAt,
    Duration pollDuration) {
  public GpuSnapshot {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(driverVersion, "driverVersion");
    devices = List.copyOf(devices);
    Objects.requireNonNull(takenAt, "takenAt");
    Objects.requireNonNull(pollDuration, "pollDuration");
  }

  static GpuSnapshot failed(ProbeStatus status, String reason) {
    return new GpuSnapshot(status, reason, "", List.of(), Instant.now(), Duration.ZERO);
  }

  public boolean ok() {
    return status == ProbeStatus.OK;
  }
}
