package io.opspulse.catalog;

import static io.opspulse.catalog.MetricDefinition.counter;
import static io.opspulse.catalog.MetricDefinition.gauge;

import java.util.List;

/**
 * What the agent's continuous profiler publishes: small enough for Prometheus. The profile itself
 * (folded stacks, flame graph) is served over HTTP; these series only say where the time went, so a
 * dashboard panel can answer "which method is burning the CPU" without opening a profile.
 *
 * <p>Cardinality is bounded by construction: {@code event} is one of {@link #EVENTS}, and {@code
 * frame} carries at most {@link #TOP_FRAMES} methods per event (the agent publishes the top K of
 * the window, each truncated to {@link #MAX_FRAME_LABEL_LENGTH} characters).
 */
public final class ProfilerMetrics {
  private ProfilerMetrics() {}

  /** The closed set of {@code event} label values, the profiler's own event keys. */
  public static final List<String> EVENTS = List.of("cpu", "alloc", "lock");

  /** How many frames per event the top-frame gauge publishes at most. */
  public static final int TOP_FRAMES = 5;

  /** Longest {@code frame} label value; longer method names are cut. */
  public static final int MAX_FRAME_LABEL_LENGTH = 200;

  public static final MetricDefinition TOP_FRAME_RATIO =
      gauge("opspulse_profiler_top_frame_ratio")
          .unit(Unit.RATIO)
          .labels("event", "frame")
          .help(
              "Share of the profiler window's samples (cpu), bytes (alloc) or wait time (lock) whose top frame "
                  + "is this method, for the top few methods of each event.")
          .otel("opspulse.profiler.top_frame_ratio")
          .build(Source.AGENT);
  public static final MetricDefinition SAMPLES =
      counter("opspulse_profiler_samples_total")
          .labels("event")
          .help("Samples the continuous profiler has aggregated, by event (cpu, alloc, lock).")
          .otel("opspulse.profiler.samples")
          .build(Source.AGENT);
  public static final MetricDefinition OVERFLOW_SAMPLES =
      counter("opspulse_profiler_overflow_samples_total")
          .labels("event")
          .help(
              "Samples counted under the [overflow] stack because the window held its cap of distinct stacks.")
          .otel("opspulse.profiler.overflow_samples")
          .build(Source.AGENT);
  public static final MetricDefinition STACKS =
      gauge("opspulse_profiler_stacks")
          .labels("event")
          .help(
              "Distinct stacks the profiler's rolling window holds now, by event; its memory follows this.")
          .otel("opspulse.profiler.stacks")
          .build(Source.AGENT);
  public static final MetricDefinition RUNNING =
      gauge("opspulse_profiler_running")
          .help(
              "1 while the continuous profiler records, 0 when it is off or turned itself off (no JFR).")
          .otel("opspulse.profiler.running")
          .build(Source.AGENT);

  public static final List<MetricDefinition> ALL =
      List.of(TOP_FRAME_RATIO, SAMPLES, OVERFLOW_SAMPLES, STACKS, RUNNING);
}
