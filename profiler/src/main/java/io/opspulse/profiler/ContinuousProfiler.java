package io.opspulse.profiler;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A continuous, in-process profiler on JDK Flight Recorder's event stream. It keeps the last {@link
 * Builder#window window} of CPU samples (and, if asked, allocation and lock samples) as folded
 * stacks in bounded memory, ready for a flame graph, a folded-stacks download or a few hot-frame
 * gauges.
 *
 * <pre>{@code
 * ContinuousProfiler profiler = ContinuousProfiler.builder()
 *     .events(ProfileEvent.CPU, ProfileEvent.ALLOC)
 *     .build();
 * profiler.start();                       // returns at once; JFR starts on a daemon thread
 * Profile cpu = profiler.snapshot(Duration.ofSeconds(30), ProfileEvent.CPU);
 * profiler.close();
 * }</pre>
 *
 * <p>{@link #start()} never blocks the caller and never throws for a JVM that cannot record: on a
 * JVM without JFR streaming the profiler logs one line and {@linkplain State#OFF turns itself off},
 * and its snapshots are empty.
 */
public final class ContinuousProfiler implements AutoCloseable {

  /** Where the profiler is in its life. */
  public enum State {
    /** Built, {@link #start()} not called yet. */
    NEW,
    /** JFR is being set up on the start thread. */
    STARTING,
    /** Samples are flowing into the window. */
    RUNNING,
    /** It turned itself off (no JFR, or JFR did not start in time); see {@link #offReason()}. */
    OFF,
    /** {@link #close()} was called. */
    CLOSED
  }

  /** The default sampling period; docs/benchmarks.md has the measurement behind it. */
  public static final Duration DEFAULT_PERIOD = Duration.ofMillis(20);

  private final ProfilerSettings settings;
  private final Map<ProfileEvent, RollingProfile> profiles;
  private final Consumer<String> log;
  private State state = State.NEW;
  private String offReason = "";
  private @Nullable JfrStream stream;

  private ContinuousProfiler(
      ProfilerSettings settings, Consumer<String> log, LongSupplier clockMillis) {
    this.settings = settings;
    this.log = log;
    Map<ProfileEvent, RollingProfile> p = new EnumMap<>(ProfileEvent.class);
    for (ProfileEvent e : settings.events()) {
      p.put(
          e,
          new RollingProfile(
              e,
              settings.window(),
              settings.resolution(),
              settings.maxStacks(),
              settings.maxDepth(),
              clockMillis));
    }
    this.profiles = Collections.unmodifiableMap(p);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts recording on a daemon thread and returns at once. If JFR is not running within the start
   * timeout, or cannot run here, the profiler logs one line and turns itself off. Calling it again,
   * or after {@link #close()}, does nothing.
   */
  public void start() {
    synchronized (this) {
      if (state != State.NEW) {
        return;
      }
      state = State.STARTING;
    }
    Thread starter = daemon("opspulse-profiler-start", this::startRecording);
    daemon(
        "opspulse-profiler-start-watchdog",
        () -> {
          try {
            starter.join(settings.startTimeout().toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          turnOff(State.STARTING, "JFR did not start within " + settings.startTimeout());
        });
  }

  private void startRecording() {
    try {
      if (ModuleLayer.boot().findModule("jdk.jfr").isEmpty()) {
        turnOff(State.STARTING, "this JVM has no JDK Flight Recorder (module jdk.jfr)");
        return;
      }
      if (!JfrStream.available()) {
        turnOff(State.STARTING, "JDK Flight Recorder is not available in this JVM");
        return;
      }
      JfrStream s =
          JfrStream.start(
              settings,
              profiles,
              failure -> turnOff(State.RUNNING, "JFR event stream failed: " + failure));
      synchronized (this) {
        if (state != State.STARTING) {
          s.close(); // closed, or the watchdog gave up, while JFR was starting
          return;
        }
        stream = s;
        state = State.RUNNING;
      }
      log.accept(
          "profiling "
              + keys(settings.events())
              + (s.cpuSource().isEmpty() ? "" : " with " + s.cpuSource())
              + " every "
              + settings.period().toMillis()
              + " ms over a "
              + settings.window().toSeconds()
              + " s window");
    } catch (
        Throwable
            t) { // LinkageError for a JVM without jdk.jfr, or whatever JFR throws: never the app's
      // problem
      turnOff(State.STARTING, "JFR event streaming unavailable: " + t);
    }
  }

  private void turnOff(State from, String reason) {
    JfrStream s;
    synchronized (this) {
      if (state != from) {
        return;
      }
      state = State.OFF;
      offReason = reason;
      s = stream;
      stream = null;
    }
    if (s != null) {
      s.close();
    }
    log.accept("profiler off: " + reason);
  }

  /** Stops recording; the window's contents stay readable. */
  @Override
  public void close() {
    JfrStream s;
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      s = stream;
      stream = null;
    }
    if (s != null) {
      s.close();
    }
  }

  public synchronized State state() {
    return state;
  }

  /** Why the profiler is {@link State#OFF}; empty otherwise. */
  public synchronized String offReason() {
    return offReason;
  }

  /** The events this profiler records. */
  public Set<ProfileEvent> events() {
    return EnumSet.copyOf(settings.events());
  }

  /** How far back snapshots can reach. */
  public Duration window() {
    return settings.window();
  }

  public Duration period() {
    return settings.period();
  }

  /**
   * The last {@code span} of {@code event}'s window (rounded up to the window's resolution, at most
   * the whole window). Cheap enough to call on every scrape.
   *
   * @throws IllegalArgumentException when {@code event} is not one this profiler records
   */
  public Profile snapshot(Duration span, ProfileEvent event) {
    Objects.requireNonNull(span, "span");
    return profile(event).snapshot(span);
  }

  /** {@code snapshot(span, event).topFrames(k)}: the feed for the top-frame-ratio gauge. */
  public List<HotFrame> topFrames(ProfileEvent event, Duration span, int k) {
    return snapshot(span, event).topFrames(k);
  }

  /**
   * Samples added for {@code event} since start: the {@code opspulse_profiler_samples_total}
   * counter.
   */
  public long samples(ProfileEvent event) {
    return profile(event).samples();
  }

  /**
   * Samples counted under the {@code [overflow]} stack because the distinct-stack cap was reached:
   * the {@code opspulse_profiler_overflow_samples_total} counter.
   */
  public long overflowSamples(ProfileEvent event) {
    return profile(event).overflowSamples();
  }

  /** Distinct stacks the window holds now: the {@code opspulse_profiler_stacks} gauge. */
  public int stacksHeld(ProfileEvent event) {
    return profile(event).stacksHeld();
  }

  private RollingProfile profile(ProfileEvent event) {
    RollingProfile p = profiles.get(Objects.requireNonNull(event, "event"));
    if (p == null) {
      throw new IllegalArgumentException(
          "event " + event.key() + " is not recorded (events: " + keys(settings.events()) + ")");
    }
    return p;
  }

  // package-private: tests feed samples without JFR
  RollingProfile rolling(ProfileEvent event) {
    return profile(event);
  }

  static String keys(Set<ProfileEvent> events) {
    StringBuilder sb = new StringBuilder();
    for (ProfileEvent e : ProfileEvent.values()) {
      if (events.contains(e)) {
        sb.append(sb.length() == 0 ? "" : ",").append(e.key());
      }
    }
    return sb.toString();
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Options; every one has a default fit for production. */
  public static final class Builder {
    private Set<ProfileEvent> events = EnumSet.of(ProfileEvent.CPU);
    private Duration period = DEFAULT_PERIOD;
    private boolean cpuTimeSampling = true;
    private int allocationSamplesPerSecond = 100;
    private Duration lockThreshold = Duration.ofMillis(10);
    private Duration window = Duration.ofSeconds(60);
    private Duration resolution = Duration.ofSeconds(1);
    private int maxStacks = 4096;
    private int maxDepth = 64;
    private Duration startTimeout = Duration.ofSeconds(10);
    private Consumer<String> log = line -> System.err.println("[opspulse-profiler] " + line);
    private LongSupplier clockMillis = System::currentTimeMillis;

    private Builder() {}

    /** What to record; default CPU only. */
    public Builder events(ProfileEvent... events) {
      return events(Arrays.asList(events));
    }

    public Builder events(Iterable<ProfileEvent> events) {
      EnumSet<ProfileEvent> set = EnumSet.noneOf(ProfileEvent.class);
      events.forEach(e -> set.add(Objects.requireNonNull(e, "event")));
      this.events = set;
      return this;
    }

    /** CPU sampling period, 1 ms to 10 s; default {@link #DEFAULT_PERIOD}. */
    public Builder period(Duration period) {
      this.period = Objects.requireNonNull(period, "period");
      return this;
    }

    /**
     * Use {@code jdk.CPUTimeSample} (JDK 25+ on Linux: samples per CPU time each thread uses) where
     * the JVM has it, {@code jdk.ExecutionSample} otherwise; default true.
     */
    public Builder cpuTimeSampling(boolean cpuTimeSampling) {
      this.cpuTimeSampling = cpuTimeSampling;
      return this;
    }

    /** Allocation samples JFR may take each second (its throttle); default 100. */
    public Builder allocationSamplesPerSecond(int rate) {
      this.allocationSamplesPerSecond = rate;
      return this;
    }

    /** Shortest monitor or lock wait that counts as contention; default 10 ms. */
    public Builder lockThreshold(Duration threshold) {
      this.lockThreshold = Objects.requireNonNull(threshold, "lockThreshold");
      return this;
    }

    /** How far back the profile reaches; default 60 s, at most 3600 resolutions. */
    public Builder window(Duration window) {
      this.window = Objects.requireNonNull(window, "window");
      return this;
    }

    /** The window's time buckets: the granularity of a snapshot's span; default 1 s. */
    public Builder resolution(Duration resolution) {
      this.resolution = Objects.requireNonNull(resolution, "resolution");
      return this;
    }

    /**
     * Distinct stacks each event's window holds before new ones count as {@code [overflow]};
     * default 4096. Distinct frame names are capped at four times this.
     */
    public Builder maxStacks(int maxStacks) {
      this.maxStacks = maxStacks;
      return this;
    }

    /**
     * Frames kept per stack (the top ones; the root side becomes {@code [truncated]}); default 64.
     */
    public Builder maxDepth(int maxDepth) {
      this.maxDepth = maxDepth;
      return this;
    }

    /** How long JFR may take to start before the profiler gives up and turns off; default 10 s. */
    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
      return this;
    }

    /** Where the profiler's few log lines go; default standard error. */
    public Builder log(Consumer<String> log) {
      this.log = Objects.requireNonNull(log, "log");
      return this;
    }

    Builder clockMillis(LongSupplier clockMillis) {
      this.clockMillis = clockMillis;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the option that is out of range
     */
    public ContinuousProfiler build() {
      ProfilerSettings s =
          new ProfilerSettings(
              events,
              period,
              cpuTimeSampling,
              allocationSamplesPerSecond,
              lockThreshold,
              window,
              resolution,
              maxStacks,
              maxDepth,
              startTimeout);
      return new ContinuousProfiler(s, log, clockMillis);
    }
  }
}
