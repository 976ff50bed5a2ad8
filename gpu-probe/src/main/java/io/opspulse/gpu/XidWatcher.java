package io.opspulse.gpu;

import com.sun.jna.Pointer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Counts critical XID errors by GPU and XID code. NVML delivers them as events: an event set every
 * GPU is registered on (nvmlEventTypeXidCriticalError), and a thread of its own blocked in
 * nvmlEventSetWait with a short timeout, so closing never waits long. A GPU that cannot deliver
 * events (NOT_SUPPORTED, or a driver without the symbols) simply has no XID counts; the reason is
 * kept per GPU.
 */
final class XidWatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(XidWatcher.class.getName());

  /** How long one wait blocks: also the longest close() waits for the thread. */
  static final int WAIT_MILLIS = 250;

  private final Nvml nvml;
  private final List<Pointer> handles;
  private final Map<Integer, NvmlReturn> unavailable;
  private final Map<Integer, Map<Long, AtomicLong>> counts = new ConcurrentHashMap<>();
  private final @Nullable Pointer set; // null: no GPU registered, so no waiting thread
  private final @Nullable Thread thread;
  private volatile boolean running = true;

  private XidWatcher(
      Nvml nvml,
      List<Pointer> handles,
      Map<Integer, NvmlReturn> unavailable,
      @Nullable Pointer set) {
    this.nvml = nvml;
    this.handles = handles;
    this.unavailable = unavailable;
    this.set = set;
    if (set == null) {
      thread = null;
      return;
    }
    thread = new Thread(() -> run(set), "opspulse-gpu-xid-events");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Registers every GPU for XID events and starts the waiting thread; with no GPU registered there
   * is no thread. {@code nvml} must be an instance of its own: its buffers belong to the waiting
   * thread.
   */
  static XidWatcher start(Nvml nvml, List<Pointer> handles) {
    Map<Integer, NvmlReturn> unavailable = new HashMap<>();
    Pointer set;
    try {
      set = nvml.eventSetCreate();
    } catch (NvmlException e) {
      for (int i = 0; i < handles.size(); i++) {
        unavailable.put(i, e.code());
      }
      return new XidWatcher(nvml, handles, unavailable, null);
    }
    int registered = 0;
    for (int i = 0; i < handles.size(); i++) {
      try {
        nvml.registerXidEvents(handles.get(i), set);
        registered++;
      } catch (NvmlException e) {
        unavailable.put(i, e.code());
      }
    }
    if (registered == 0) {
      freeQuietly(nvml, set);
      set = null;
    }
    return new XidWatcher(nvml, handles, unavailable, set);
  }

  private void run(Pointer set) {
    int failures = 0;
    while (running) {
      Nvml.RawEvent event;
      try {
        event = nvml.waitEvent(set, WAIT_MILLIS);
        failures = 0;
      } catch (NvmlException e) {
        // GPU_IS_LOST, UNKNOWN...: the poller reports the GPU itself. Back off so a broken event
        // set
        // cannot spin a core, and keep listening for the GPUs that still deliver.
        if (failures++ == 0) {
          LOG.log(
              System.Logger.Level.WARNING, "waiting for NVML XID events failed: " + e.getMessage());
        }
        sleep(Math.min(5_000L, 100L << Math.min(failures, 6)));
        continue;
      }
      if (event != null && (event.type() & NvmlLayouts.EVENT_XID_CRITICAL) != 0) {
        int index = handles.indexOf(event.device());
        if (index >= 0) {
          counts
              .computeIfAbsent(index, i -> new ConcurrentHashMap<>())
              .computeIfAbsent(event.data(), x -> new AtomicLong())
              .incrementAndGet();
        }
      }
    }
  }

  /**
   * XID code to count for GPU {@code index}; empty when none came (or the GPU cannot deliver
   * events).
   */
  Map<Long, Long> counts(int index) {
    Map<Long, AtomicLong> c = counts.get(index);
    if (c == null) {
      return Map.of();
    }
    Map<Long, Long> out = new HashMap<>();
    c.forEach((xid, n) -> out.put(xid, n.get()));
    return out;
  }

  /** Why GPU {@code index} delivers no XID events, if it does not. */
  @Nullable NvmlReturn unavailable(int index) {
    return unavailable.get(index);
  }

  /** Whether a thread is waiting for events. */
  boolean watching() {
    return thread != null && thread.isAlive();
  }

  @Override
  public void close() {
    running = false;
    if (thread == null || set == null) { // both or neither
      return;
    }
    thread.interrupt(); // ends a backoff sleep; a wait in NVML returns within WAIT_MILLIS
    try {
      thread.join(10L * WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!thread.isAlive()) {
      // Freed only once nothing waits on it any more.
      freeQuietly(nvml, set);
    }
  }

  private static void freeQuietly(Nvml nvml, Pointer set) {
    try {
      nvml.eventSetFree(set);
    } catch (NvmlException e) {
      // Closing: nothing left to report it to.
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      // close() wakes the thread: the loop sees running == false.
    }
  }
}
