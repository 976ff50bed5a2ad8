package io.opspulse.gpu;

import com.sun.jna.Pointer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads the GPUs of this host through NVML. {@link Builder#build()} loads libnvidia-ml.so.1 and
 * calls nvmlInit; each {@link #poll()} reads every GPU and attributes its processes to containers;
 * {@link #close()} calls nvmlShutdown. Without a usable NVML the probe still opens, and every poll
 * reports why. A failed nvmlInit (driver not loaded yet, a GPU reset in progress) is retried by
 * later polls with a doubling backoff, so the probe recovers without a restart. Polls are
 * serialised: one probe serves one poller.
 */
public final class GpuProbe implements AutoCloseable {
  private final @Nullable Nvml nvml; // null: no NVML library, failure says why
  private final Path procRoot;
  private final Duration retryMin;
  private final Duration retryMax;
  private @Nullable DevicePoller poller;
  private @Nullable XidWatcher xids;
  private @Nullable PcieSampler pcie;
  private String driverVersion = "";
  private @Nullable GpuSnapshot failure;
  private int initAttempts;
  private Duration retryDelay;
  private long nextInitNanos;

  private GpuProbe(
      @Nullable Nvml nvml,
      Path procRoot,
      Duration retryMin,
      Duration retryMax,
      @Nullable GpuSnapshot failure) {
    this.nvml = nvml;
    this.procRoot = procRoot;
    this.retryMin = retryMin;
    this.retryMax = retryMax;
    this.retryDelay = retryMin;
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
    private Duration initRetryMin = Duration.ofSeconds(10);
    private Duration initRetryMax = Duration.ofMinutes(5);

    private Builder() {}

    /**
     * Where the host's /proc is: /proc itself when the exporter runs with {@code --pid=host}, or
     * the folder the host's /proc is mounted at.
     */
    public Builder procRoot(Path procRoot) {
      this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
      return this;
    }

    /**
     * How long after a failed nvmlInit a poll tries again: {@code min} after the first failure,
     * doubling up to {@code max}. Default 10 s to 5 min.
     */
    public Builder initRetry(Duration min, Duration max) {
      if (min.isNegative() || max.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            "init retry needs 0 <= min <= max, got " + min + ", " + max);
      }
      this.initRetryMin = min;
      this.initRetryMax = max;
      return this;
    }

    /** Loads NVML (once per JVM) and initialises it; never throws for a missing or failing NVML. */
    public GpuProbe build() {
      NvmlLibrary.LoadResult load = NvmlLibrary.load();
      if (load.library().isEmpty()) {
        return new GpuProbe(
            null,
            procRoot,
            initRetryMin,
            initRetryMax,
            GpuSnapshot.failed(load.status(), load.reason()));
      }
      Nvml nvml = new Nvml(load.library().get());
      GpuProbe probe = new GpuProbe(nvml, procRoot, initRetryMin, initRetryMax, null);
      probe.tryInit(nvml);
      return probe;
    }
  }

  /**
   * Calls nvmlInit; on success sets up the poller and the XID watcher, else schedules the next try.
   */
  private void tryInit(Nvml nvml) {
    initAttempts++;
    try {
      nvml.init();
    } catch (NvmlException e) {
      nextInitNanos = System.nanoTime() + retryDelay.toNanos();
      failure =
          GpuSnapshot.failed(
              ProbeStatus.INIT_FAILED,
              "NVML from "
                  + nvml.library().file
                  + " did not initialise (attempt "
                  + initAttempts
                  + ", next in "
                  + retryDelay.toMillis()
                  + " ms): "
                  + e.getMessage());
      Duration doubled = retryDelay.multipliedBy(2);
      retryDelay =
          doubled.compareTo(retryMax) > 0 ? retryMax : doubled.isZero() ? retryMin : doubled;
      return;
    }
    try {
      driverVersion = nvml.driverVersion();
    } catch (NvmlException e) {
      driverVersion = "";
    }
    List<Pointer> handles = handles(nvml);
    // Each thread gets an Nvml of its own: an instance's buffers belong to one thread.
    xids = XidWatcher.start(new Nvml(nvml.library()), handles);
    pcie = PcieSampler.start(new Nvml(nvml.library()), handles);
    poller = new DevicePoller(nvml, new CgroupOwners(procRoot), xids, pcie);
    failure = null;
  }

  /** The handles of the GPUs present at init, for event registration; a GPU that fails has none. */
  private static List<Pointer> handles(Nvml nvml) {
    List<Pointer> out = new ArrayList<>();
    try {
      int count = nvml.deviceCount();
      for (int i = 0; i < count; i++) {
        try {
          out.add(nvml.handle(i));
        } catch (NvmlException e) {
          out.add(Pointer.NULL);
        }
      }
    } catch (NvmlException e) {
      // No GPUs to register: the first poll reports the count failing.
    }
    return Collections.unmodifiableList(out);
  }

  /** Reads every GPU now. Never throws for NVML errors: they are in the snapshot. */
  public synchronized GpuSnapshot poll() {
    Nvml nvml = this.nvml; // null only with a LIBRARY_MISSING failure, which is never retried
    if (nvml != null
        && failure != null
        && failure.status() == ProbeStatus.INIT_FAILED
        && System.nanoTime() - nextInitNanos >= 0) {
      tryInit(nvml);
    }
    if (failure != null) {
      return failure;
    }
    // No failure: init succeeded, so there are NVML and a poller.
    Nvml live = Objects.requireNonNull(nvml);
    DevicePoller poller = Objects.requireNonNull(this.poller);
    long start = System.nanoTime();
    Instant at = Instant.now();
    int count;
    try {
      count = live.deviceCount();
    } catch (NvmlException e) {
      return new GpuSnapshot(
          ProbeStatus.POLL_FAILED,
          "could not count the GPUs: " + e.getMessage(),
          driverVersion,
          List.of(),
          at,
          Duration.ofNanos(System.nanoTime() - start));
    }
    var devices = poller.pollAll(count);
    return new GpuSnapshot(
        ProbeStatus.OK,
        "",
        driverVersion,
        devices,
        at,
        Duration.ofNanos(System.nanoTime() - start));
  }

  /** The probe's status now: OK, or why there is no NVML (INIT_FAILED while retries go on). */
  public synchronized ProbeStatus status() {
    return failure == null ? ProbeStatus.OK : failure.status();
  }

  /** Whether later polls will try nvmlInit again. */
  public synchronized boolean retryingInit() {
    return failure != null && failure.status() == ProbeStatus.INIT_FAILED;
  }

  /** How many times nvmlInit was called. */
  public synchronized int initAttempts() {
    return initAttempts;
  }

  /**
   * Whether a thread is waiting for XID events (false without NVML or when no GPU delivers events).
   */
  public synchronized boolean watchingXidEvents() {
    return xids != null && xids.watching();
  }

  /** The file NVML was loaded from, or empty. */
  public String libraryFile() {
    return nvml == null ? "" : nvml.library().file;
  }

  @Override
  public synchronized void close() {
    if (failure == null) {
      // No failure: init succeeded and started all three.
      Objects.requireNonNull(xids).close();
      Objects.requireNonNull(pcie).close();
      try {
        Objects.requireNonNull(nvml).shutdown();
      } catch (NvmlException e) {
        // Shutting down: nothing left to report it to.
      }
    }
    if (failure == null || failure.status() == ProbeStatus.INIT_FAILED) {
      failure = GpuSnapshot.failed(ProbeStatus.CLOSED, "the probe was closed");
    }
  }
}
