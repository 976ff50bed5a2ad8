package io.opspulse.gpu;

import io.opspulse.catalog.GpuMetrics;
import io.opspulse.catalog.MetricDefinition;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Publishes the catalog's GPU metrics from the last NVML poll. NVML is polled by a daemon thread on
 * its own schedule (default every 5 s), never by a scrape; a scrape only turns the last snapshot
 * into metrics and resolves container names through the {@link ContainerDirectory}, so names follow
 * renames. Without NVML it publishes opspulse_gpu_probe_up 0 and the status, and logs the reason
 * once; after a failed nvmlInit the poller keeps retrying it with backoff, and probe_up turns 1
 * when it succeeds.
 */
public final class GpuCollector implements MultiCollector, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(GpuCollector.class.getName());

  private final GpuProbe probe;
  private final Duration interval;
  private final ContainerDirectory directory;
  // Replaced by start()'s first poll before the collector is handed out.
  private volatile GpuSnapshot last = GpuSnapshot.failed(ProbeStatus.POLL_FAILED, "not polled yet");
  private @Nullable ScheduledExecutorService scheduler;
  private @Nullable ProbeStatus loggedStatus;

  private GpuCollector(GpuProbe probe, Duration interval, ContainerDirectory directory) {
    this.probe = probe;
    this.interval = interval;
    this.directory = directory;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private Path procRoot = Path.of("/proc");
    private Duration interval = Duration.ofSeconds(5);
    private ContainerDirectory directory = ContainerDirectory.NONE;
    private Duration initRetryMin = Duration.ofSeconds(10);
    private Duration initRetryMax = Duration.ofMinutes(5);

    private Builder() {}

    /**
     * Backoff between nvmlInit attempts after a failure (see {@link GpuProbe.Builder#initRetry}).
     */
    public Builder initRetry(Duration min, Duration max) {
      GpuProbe.builder().initRetry(min, max); // validates
      this.initRetryMin = min;
      this.initRetryMax = max;
      return this;
    }

    /** The host's /proc (see {@link GpuProbe.Builder#procRoot}). */
    public Builder procRoot(Path procRoot) {
      this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
      return this;
    }

    /** How often NVML is polled; default 5 s. */
    public Builder interval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("GPU poll interval must be positive, got " + interval);
      }
      this.interval = interval;
      return this;
    }

    /** Names the containers GPU processes run in; default: ids only. */
    public Builder containerDirectory(ContainerDirectory directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * Opens the probe (NVML init, once), polls once so the first scrape has data, starts the
     * poller.
     */
    public GpuCollector start() {
      GpuCollector c =
          new GpuCollector(
              GpuProbe.builder().procRoot(procRoot).initRetry(initRetryMin, initRetryMax).build(),
              interval,
              directory);
      c.pollNow();
      // A failed nvmlInit is retried by the poller's later polls; a missing library is not coming
      // back.
      if (c.probe.status() == ProbeStatus.OK || c.probe.retryingInit()) {
        c.scheduler =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "opspulse-gpu-poller");
                  t.setDaemon(true);
                  return t;
                });
        c.scheduler.scheduleWithFixedDelay(
            c::pollNow, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
      }
      return c;
    }
  }

  /**
   * Polls NVML now and keeps the result for the next scrapes. Logs only when the status changes.
   */
  public GpuSnapshot pollNow() {
    GpuSnapshot s;
    try {
      s = probe.poll();
    } catch (RuntimeException e) {
      // A bug, not an NVML error: keep the poller alive and say so.
      s = GpuSnapshot.failed(ProbeStatus.POLL_FAILED, "poll threw " + e);
    }
    last = s;
    logTransition(s);
    return s;
  }

  private synchronized void logTransition(GpuSnapshot s) {
    if (s.status() == loggedStatus) {
      return;
    }
    if (s.ok()) {
      LOG.log(
          Level.INFO,
          "GPU metrics on: NVML "
              + s.driverVersion()
              + " from "
              + probe.libraryFile()
              + ", "
              + s.devices().size()
              + " GPU(s), polled every "
              + interval.toSeconds()
              + " s");
    } else {
      LOG.log(
          loggedStatus == null && s.status() == ProbeStatus.LIBRARY_MISSING
              ? Level.INFO
              : Level.WARNING,
          "No GPU metrics (opspulse_gpu_probe_status=" + s.status().label() + "): " + s.reason());
    }
    loggedStatus = s.status();
  }

  /** The snapshot the next scrape publishes. */
  public GpuSnapshot lastSnapshot() {
    return last;
  }

  @Override
  public MetricSnapshots collect() {
    return GpuMetricsWriter.write(last, directory);
  }

  @Override
  public List<String> getPrometheusNames() {
    return GpuMetrics.ALL.stream().map(MetricDefinition::baseName).toList();
  }

  /** Stops the poller and shuts NVML down. */
  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    probe.close();
  }
}
