package io.opspulse.gpu;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Reads the GPUs of this host through NVML. {@link #open()} loads libnvidia-ml.so.1 and calls nvmlInit
 * once; each {@link #poll()} reads every GPU and attributes its processes to containers; {@link #close()}
 * calls nvmlShutdown. Without a usable NVML the probe still opens, and every poll reports why.
 * Polls are serialised: one probe serves one poller.
 */
public final class GpuProbe implements AutoCloseable {
  private final Nvml nvml;
  private final DevicePoller poller;
  private final String driverVersion;
  private GpuSnapshot failure;

  private GpuProbe(Nvml nvml, DevicePoller poller, String driverVersion, GpuSnapshot failure) {
    this.nvml = nvml;
    this.poller = poller;
    this.driverVersion = driverVersion;
    this.failure = failure;
  }

  /** A probe reading the host's /proc. */
  public static GpuProbe open() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private Path procRoot = Path.of("/proc");

    private Builder() {}

    /**
     * Where the host's /proc is: /proc itself when the exporter runs with {@code --pid=host}, or the
     * folder the host's /proc is mounted at.
     */
    public Builder procRoot(Path procRoot) {
      this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
      return this;
    }

    /** Loads NVML (once per JVM) and initialises it; never throws for a missing or failing NVML. */
    public GpuProbe build() {
      NvmlLibrary.LoadResult load = NvmlLibrary.load();
      if (load.library().isEmpty()) {
        return new GpuProbe(null, null, "", GpuSnapshot.failed(load.status(), load.reason()));
      }
      Nvml nvml = new Nvml(load.library().get());
      try {
        nvml.init();
      } catch (NvmlException e) {
        return new GpuProbe(null, null, "", GpuSnapshot.failed(ProbeStatus.INIT_FAILED,
            "NVML from " + nvml.library().file + " did not initialise: " + e.getMessage()));
      }
      String version;
      try {
        version = nvml.driverVersion();
      } catch (NvmlException e) {
        version = "";
      }
      return new GpuProbe(nvml, new DevicePoller(nvml, new CgroupOwners(procRoot)), version, null);
    }
  }

  /** Reads every GPU now. Never throws for NVML errors: they are in the snapshot. */
  public synchronized GpuSnapshot poll() {
    if (failure != null) {
      return failure;
    }
    long start = System.nanoTime();
    Instant at = Instant.now();
    int count;
    try {
      count = nvml.deviceCount();
    } catch (NvmlException e) {
      return new GpuSnapshot(ProbeStatus.POLL_FAILED, "could not count the GPUs: " + e.getMessage(),
          driverVersion, java.util.List.of(), at, Duration.ofNanos(System.nanoTime() - start));
    }
    var devices = poller.pollAll(count);
    return new GpuSnapshot(ProbeStatus.OK, "", driverVersion, devices, at, Duration.ofNanos(System.nanoTime() - start));
  }

  /** The probe's status as opened: OK, or why there is no NVML. */
  public synchronized ProbeStatus status() {
    return failure == null ? ProbeStatus.OK : failure.status();
  }

  /** The file NVML was loaded from, or empty. */
  public String libraryFile() {
    return nvml == null ? "" : nvml.library().file;
  }

  @Override
  public synchronized void close() {
    if (failure == null) {
      try {
        nvml.shutdown();
      } catch (NvmlException e) {
        // Shutting down: nothing left to report it to.
      }
      failure = GpuSnapshot.failed(ProbeStatus.CLOSED, "the probe was closed");
    }
  }
}
