package io.opspulse.agent.core;

import static io.opentelemetry.api.common.AttributeKey.stringKey;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opspulse.catalog.MetricDefinition;
import io.opspulse.catalog.ProfilerMetrics;
import io.opspulse.profiler.ContinuousProfiler;
import io.opspulse.profiler.HotFrame;
import io.opspulse.profiler.ProfileEvent;
import io.opspulse.profiler.ProfilerHttpHandlers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * The continuous profiler inside the agent: started beside the SDK (its own start returns at once
 * and sets JFR up on a daemon thread), its debug endpoint on a separate {@link HttpServer}
 * (loopback by default, since profiles reveal code structure), and its few series published through
 * the agent's meter. A taken port is logged once and counted; the profiler and the application run
 * on.
 */
final class Profiling {
  static final String COMPONENT = "profiler";
  private static final AttributeKey<String> EVENT = stringKey("event");
  private static final AttributeKey<String> FRAME = stringKey("frame");

  /**
   * OpenTelemetry's Prometheus exporter (1.65) appends no {@code _ratio} for unit "1": the
   * catalog's instrument name spells the suffix out, so the scraped name is the catalog's.
   */
  static final @Nullable String TOP_FRAME_INSTRUMENT = ProfilerMetrics.TOP_FRAME_RATIO.otelName();

  private final ContinuousProfiler profiler;
  private final @Nullable HttpServer endpoint;

  private Profiling(ContinuousProfiler profiler, @Nullable HttpServer endpoint) {
    this.profiler = profiler;
    this.endpoint = endpoint;
  }

  /**
   * Call on a daemon thread: the endpoint's dispatcher thread inherits it, and must not hold the
   * JVM. With {@code webConfigFile} (the metrics endpoint's {@code web.config.file}) the endpoint
   * is protected the same way, or not served at all when the file cannot be used; the profiler
   * records either way.
   */
  static Profiling start(
      AgentConfig.Profiler config, java.nio.file.@Nullable Path webConfigFile, AgentErrors errors) {
    ContinuousProfiler profiler =
        ContinuousProfiler.builder()
            .events(config.events())
            .period(config.period())
            .log(line -> AgentLog.info(line))
            .build();
    profiler.start();
    HttpServer endpoint = null;
    if (config.port() != AgentConfig.OFF) {
      try {
        if (webConfigFile != null) {
          // Its own class, reached only here: without the setting no web-config class loads.
          endpoint = ProfilerWebConfigEndpoint.create(config, webConfigFile, profiler);
        } else {
          endpoint = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 0);
          ProfilerHttpHandlers.register(endpoint, profiler);
        }
        // One worker, so rendering a flame graph never runs on the dispatcher or piles up threads.
        ExecutorService worker =
            Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "opspulse-profiler-http");
                  t.setDaemon(true);
                  return t;
                });
        endpoint.setExecutor(worker);
        endpoint.start();
      } catch (IOException | RuntimeException e) {
        errors.record(COMPONENT, e);
        AgentLog.info(
            "no profiler endpoint on "
                + config.host()
                + ":"
                + config.port()
                + " ("
                + e
                + (webConfigFile == null ? "" : "; profiles are never served unprotected")
                + "); the profiler and the application run on without it");
        endpoint = null;
      }
    }
    return new Profiling(profiler, endpoint);
  }

  boolean serving() {
    return endpoint != null;
  }

  /** The catalog's ProfilerMetrics, read from the profiler at each collection. */
  void publish(Meter meter, AgentErrors errors) {
    ObservableDoubleMeasurement topFrames =
        meter
            .gaugeBuilder(TOP_FRAME_INSTRUMENT)
            .setUnit(Instruments.unit(ProfilerMetrics.TOP_FRAME_RATIO))
            .setDescription(ProfilerMetrics.TOP_FRAME_RATIO.help())
            .buildObserver();
    ObservableLongMeasurement samples = counter(meter, ProfilerMetrics.SAMPLES);
    ObservableLongMeasurement overflow = counter(meter, ProfilerMetrics.OVERFLOW_SAMPLES);
    ObservableLongMeasurement stacks =
        meter
            .gaugeBuilder(ProfilerMetrics.STACKS.otelName())
            .setUnit(Instruments.unit(ProfilerMetrics.STACKS))
            .setDescription(ProfilerMetrics.STACKS.help())
            .ofLongs()
            .buildObserver();
    ObservableLongMeasurement running =
        meter
            .gaugeBuilder(ProfilerMetrics.RUNNING.otelName())
            .setUnit(Instruments.unit(ProfilerMetrics.RUNNING))
            .setDescription(ProfilerMetrics.RUNNING.help())
            .ofLongs()
            .buildObserver();
    meter.batchCallback(
        () -> {
          try {
            running.record(profiler.state() == ContinuousProfiler.State.RUNNING ? 1 : 0);
            for (ProfileEvent event : profiler.events()) {
              Attributes e = Attributes.of(EVENT, event.key());
              samples.record(profiler.samples(event), e);
              overflow.record(profiler.overflowSamples(event), e);
              stacks.record(profiler.stacksHeld(event), e);
              for (HotFrame hot :
                  profiler.topFrames(event, profiler.window(), ProfilerMetrics.TOP_FRAMES)) {
                topFrames.record(
                    hot.ratio(), Attributes.of(EVENT, event.key(), FRAME, frameLabel(hot.frame())));
              }
            }
          } catch (RuntimeException e) {
            errors.record(COMPONENT, e);
          }
        },
        topFrames,
        samples,
        overflow,
        stacks,
        running);
  }

  /** Bounded label values, as the catalog promises. */
  static String frameLabel(String frame) {
    return frame.length() <= ProfilerMetrics.MAX_FRAME_LABEL_LENGTH
        ? frame
        : frame.substring(0, ProfilerMetrics.MAX_FRAME_LABEL_LENGTH);
  }

  private static ObservableLongMeasurement counter(Meter meter, MetricDefinition def) {
    return meter
        .counterBuilder(def.otelName())
        .setUnit(Instruments.unit(def))
        .setDescription(def.help())
        .buildObserver();
  }
}
