package io.opspulse.gpu;

import com.sun.jna.Pointer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * PCIe throughput per GPU. nvmlDeviceGetPcieThroughput counts bytes over 20 ms before it answers,
 * so two calls per GPU would cost a poll 40 ms per GPU against a budget of 5: a thread of its own
 * samples every GPU once at start and then every {@link #PERIOD}, and the poller reads the latest
 * sample. Without any GPU that answers there is no thread.
 */
final class PcieSampler implements AutoCloseable {
  static final Duration PERIOD = Duration.ofSeconds(5);

  /** The latest bytes per second of one GPU, or why there are none. */
  record Sample(
      OptionalLong txBytesPerSecond,
      OptionalLong rxBytesPerSecond,
      Optional<NvmlReturn> unavailable) {}

  private final Nvml nvml;
  private final List<Pointer> handles;
  private final Map<Integer, Sample> latest = new ConcurrentHashMap<>();
  private final @Nullable Thread thread; // null: no GPU answered, nothing to sample
  private volatile boolean running = true;

  private PcieSampler(Nvml nvml, List<Pointer> handles) {
    this.nvml = nvml;
    this.handles = handles;
    boolean anyAnswered = sampleAll();
    if (!anyAnswered) {
      thread = null;
      return;
    }
    thread = new Thread(this::run, "opspulse-gpu-pcie");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Samples every GPU now (the first poll has values) and starts the thread when any GPU answered.
   */
  static PcieSampler start(Nvml nvml, List<Pointer> handles) {
    return new PcieSampler(nvml, handles);
  }

  private void run() {
    while (running) {
      try {
        Thread.sleep(PERIOD.toMillis());
      } catch (InterruptedException e) {
        continue; // close() wakes the thread: the loop sees running == false
      }
      sampleAll();
    }
  }

  private boolean sampleAll() {
    boolean any = false;
    for (int i = 0; i < handles.size() && running; i++) {
      Pointer h = handles.get(i);
      try {
        long tx = nvml.pcieThroughputKilobytes(h, NvmlLayouts.PCIE_TX) * 1024;
        long rx = nvml.pcieThroughputKilobytes(h, NvmlLayouts.PCIE_RX) * 1024;
        latest.put(i, new Sample(OptionalLong.of(tx), OptionalLong.of(rx), Optional.empty()));
        any = true;
      } catch (NvmlException e) {
        latest.put(
            i, new Sample(OptionalLong.empty(), OptionalLong.empty(), Optional.of(e.code())));
      }
    }
    return any;
  }

  /**
   * The latest sample of GPU {@code index}; empty for a GPU that appeared after the probe opened.
   */
  Optional<Sample> latest(int index) {
    return Optional.ofNullable(latest.get(index));
  }

  /** Whether a thread keeps sampling. */
  boolean sampling() {
    return thread != null && thread.isAlive();
  }

  @Override
  public void close() {
    running = false;
    if (thread == null) {
      return;
    }
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
