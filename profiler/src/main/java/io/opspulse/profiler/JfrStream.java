package io.opspulse.profiler;

import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingStream;

/**
 * The JFR side: one {@link RecordingStream} with only the events the profiler needs, each event
 * turned into frames and added to its {@link RollingProfile}. Everything that touches {@code
 * jdk.jfr} lives here, so a JVM without that module fails when this class loads, which the starter
 * catches.
 */
final class JfrStream implements AutoCloseable {
  static final String EXECUTION_SAMPLE = "jdk.ExecutionSample";

  /** JDK 25+ on Linux: samples by CPU time used rather than wall-clock ticks (JEP 509). */
  static final String CPU_TIME_SAMPLE = "jdk.CPUTimeSample";

  static final String ALLOCATION_SAMPLE = "jdk.ObjectAllocationSample";
  static final String MONITOR_ENTER = "jdk.JavaMonitorEnter";
  static final String THREAD_PARK = "jdk.ThreadPark";

  private final RecordingStream stream;
  private final String cpuSource;

  /**
   * Frame names by method; JFR hands out one object per method and chunk, so this saves most work.
   */
  private final Map<RecordedMethod, String> names = new IdentityHashMap<>();

  private volatile boolean closed;

  private JfrStream(RecordingStream stream, String cpuSource) {
    this.stream = stream;
    this.cpuSource = cpuSource;
  }

  /** Whether this JVM can record at all (false with JFR disabled or unsupported). */
  static boolean available() {
    return FlightRecorder.isAvailable();
  }

  static boolean hasEvent(String name) {
    for (EventType t : FlightRecorder.getFlightRecorder().getEventTypes()) {
      if (t.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Opens the stream and starts it on a daemon thread, where events then arrive; {@code onFailure}
   * hears of the stream failing later (not of it being closed).
   */
  static JfrStream start(
      ProfilerSettings settings,
      Map<ProfileEvent, RollingProfile> profiles,
      Consumer<Throwable> onFailure) {
    RecordingStream rs = new RecordingStream();
    try {
      rs.setReuse(true);
      rs.setOrdered(false);
      // JFR still writes chunks to its repository before the stream reads them: keep little on
      // disk.
      rs.setMaxAge(Duration.ofSeconds(30));
      rs.setMaxSize(32L * 1024 * 1024);
      String cpuSource = "";
      JfrStream js;
      RollingProfile cpu = profiles.get(ProfileEvent.CPU);
      if (cpu != null) {
        boolean cpuTime = settings.cpuTimeSampling() && hasEvent(CPU_TIME_SAMPLE);
        cpuSource = cpuTime ? CPU_TIME_SAMPLE : EXECUTION_SAMPLE;
        cpu.source(cpuSource);
      }
      js = new JfrStream(rs, cpuSource);
      if (cpu != null) {
        if (cpuSource.equals(CPU_TIME_SAMPLE)) {
          // One sample per period of CPU time each thread uses: the same period, but only running
          // threads.
          rs.enable(CPU_TIME_SAMPLE)
              .with("throttle", settings.period().toMillis() + "ms")
              .withStackTrace();
        } else {
          rs.enable(EXECUTION_SAMPLE).withPeriod(settings.period());
        }
        rs.onEvent(cpuSource, e -> js.add(cpu, e, 1));
      }
      RollingProfile alloc = profiles.get(ProfileEvent.ALLOC);
      if (alloc != null) {
        alloc.source(ALLOCATION_SAMPLE);
        rs.enable(ALLOCATION_SAMPLE)
            .with("throttle", settings.allocationSamplesPerSecond() + "/s")
            .withStackTrace();
        rs.onEvent(ALLOCATION_SAMPLE, e -> js.add(alloc, e, e.getLong("weight")));
      }
      RollingProfile lock = profiles.get(ProfileEvent.LOCK);
      if (lock != null) {
        lock.source(MONITOR_ENTER + "," + THREAD_PARK);
        rs.enable(MONITOR_ENTER).withThreshold(settings.lockThreshold()).withStackTrace();
        rs.enable(THREAD_PARK).withThreshold(settings.lockThreshold()).withStackTrace();
        rs.onEvent(MONITOR_ENTER, e -> js.add(lock, e, e.getDuration().toNanos()));
        rs.onEvent(
            THREAD_PARK,
            e -> {
              if (isLockPark(e)) {
                js.add(lock, e, e.getDuration().toNanos());
              }
            });
      }
      // Not rs.startAsync(): its "JFR Event Stream" thread is not a daemon and would keep the JVM
      // alive after the application's last thread ended. Our own daemon thread runs the stream
      // instead.
      Thread t =
          new Thread(
              () -> {
                try {
                  rs.start();
                } catch (Throwable e) {
                  if (!js.closed) {
                    onFailure.accept(e);
                  }
                }
              },
              "opspulse-profiler-jfr");
      t.setDaemon(true);
      t.start();
      return js;
    } catch (RuntimeException | Error e) {
      rs.close();
      throw e;
    }
  }

  String cpuSource() {
    return cpuSource;
  }

  /**
   * A park counts as lock contention when the thread parked on a lock (ReentrantLock's sync,
   * ReentrantReadWriteLock, StampedLock, Semaphore). Condition waits and queue takes are how idle
   * pool threads wait for work: counting them would bury contention under idleness.
   */
  static boolean isLockPark(RecordedEvent e) {
    RecordedClass parked = e.getValue("parkedClass");
    if (parked == null) {
      return false;
    }
    return isLockClass(parked.getName());
  }

  static boolean isLockClass(String name) {
    return !name.contains("ConditionObject")
        && (name.contains("Lock") || name.contains("Semaphore"));
  }

  private void add(RollingProfile profile, RecordedEvent e, long weight) {
    RecordedStackTrace st = e.getStackTrace();
    String[] frames;
    boolean truncated = false;
    if (st == null) {
      frames = new String[0];
    } else {
      List<RecordedFrame> fs = st.getFrames();
      frames = new String[fs.size()];
      for (int i = 0; i < frames.length; i++) {
        frames[frames.length - 1 - i] =
            name(fs.get(i).getMethod()); // JFR lists the top frame first
      }
      truncated = st.isTruncated();
    }
    profile.add(e.getStartTime().toEpochMilli(), frames, truncated, weight);
  }

  private String name(RecordedMethod m) {
    if (m == null) {
      return FrameNames.UNKNOWN;
    }
    String n = names.get(m);
    if (n == null) {
      if (names.size() >= 8192) {
        names.clear(); // methods of old chunks: let them go
      }
      RecordedClass type = m.getType();
      n = FrameNames.frame(type == null ? "?" : type.getName(), m.getName());
      names.put(m, n);
    }
    return n;
  }

  @Override
  public void close() {
    closed = true;
    stream.close();
  }
}
