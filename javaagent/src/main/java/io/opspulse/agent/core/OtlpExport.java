package io.opspulse.agent.core;

import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * OTLP/HTTP protobuf export of every metric the agent records, beside (or instead of) the
 * Prometheus endpoint: OpenTelemetry's own exporter on the JDK's HttpClient, read by a {@link
 * PeriodicMetricReader} every {@code otlp.interval} seconds.
 *
 * <p>Only {@link Telemetry} names this class, and only when {@code otlp.endpoint} is set: with OTLP
 * off neither it nor any exporter class is loaded (start-up cost is what the application waits
 * for).
 *
 * <p>Fails open: a collector that is down or answers an error costs one export, is counted in
 * {@code opspulse_agent_errors_total{component="otlp-export"}} and logged once; the next export
 * carries the cumulative values again, so nothing is retried. At JVM exit the last values are sent,
 * waiting at most {@link #SHUTDOWN_WAIT}.
 */
final class OtlpExport {
  static final String COMPONENT = "otlp-export";
  static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

  /**
   * Bounds one export (connect included), so that a hung collector never holds the next one up
   * long.
   */
  private static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The exporter's and the reader's own log lines on a failed export (a WARNING each, throttled to
   * one a minute) would repeat what {@link AgentErrors} logs once. Held here so that the level set
   * on them is not lost when JUL lets go of an unreferenced logger. (Relocated with the classes
   * they name.)
   */
  private static final List<Logger> QUIET_LOGGERS =
      List.of(
          Logger.getLogger("io.opentelemetry.exporter.otlp.internal.HttpExporter"),
          Logger.getLogger(PeriodicMetricReader.class.getName()));

  private final PeriodicMetricReader reader;
  private final ExecutorService senders;

  private OtlpExport(PeriodicMetricReader reader, ExecutorService senders) {
    this.reader = reader;
    this.senders = senders;
  }

  /**
   * Registers the periodic OTLP reader on {@code provider} and a JVM shutdown hook that flushes it.
   */
  static void register(SdkMeterProviderBuilder provider, AgentConfig config, AgentErrors errors) {
    QUIET_LOGGERS.forEach(logger -> logger.setLevel(Level.OFF));
    errors.track(COMPONENT);
    ExecutorService senders = senderThreads();
    PeriodicMetricReader reader =
        PeriodicMetricReader.builder(
                new AgentExporter(
                    () -> otlpExporter(config.otlpEndpoint(), senders),
                    config.otlpEndpoint(),
                    errors))
            .setInterval(Duration.ofSeconds(config.otlpInterval()))
            .build();
    provider.registerMetricReader(reader);
    OtlpExport export = new OtlpExport(reader, senders);
    Thread flush = new Thread(export::shutdown, "opspulse-otlp-flush");
    flush.setDaemon(true);
    Runtime.getRuntime().addShutdownHook(flush);
    AgentLog.info(
        "OTLP export to " + config.otlpEndpoint() + " every " + config.otlpInterval() + " s");
  }

  /**
   * OpenTelemetry's OTLP/HTTP exporter: cumulative temporality, default aggregations, no
   * compression, no retries (the next export carries the same cumulative values), no self-metrics.
   */
  private static MetricExporter otlpExporter(@Nullable String endpoint, ExecutorService senders) {
    return OtlpHttpMetricExporter.builder()
        .setEndpoint(endpoint)
        .setTimeout(EXPORT_TIMEOUT)
        .setConnectTimeout(EXPORT_TIMEOUT)
        .setRetryPolicy(null)
        .setExecutorService(senders)
        .setMeterProvider(MeterProvider.noop())
        .build();
  }

  /**
   * The exporter's HTTP calls run here: daemon threads that never keep the JVM alive, marked so
   * that the HTTP client instrumentation does not count the agent's own export as the application's
   * traffic.
   */
  private static ExecutorService senderThreads() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            1,
            1,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread t =
                  new Thread(
                      () -> {
                        AgentRecorder.markAgentThread();
                        task.run();
                      },
                      "opspulse-otlp-export");
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * Sends what was recorded since the last export and stops, waiting at most {@link
   * #SHUTDOWN_WAIT}.
   */
  void shutdown() {
    reader.shutdown().join(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    senders.shutdownNow();
  }

  /**
   * What the reader exports to: builds OpenTelemetry's exporter at the first export, not at
   * start-up (its JDK HttpClient alone loads about a thousand classes, TLS included, while the
   * application starts), and counts and logs (once) every export that did not reach the collector
   * or that it refused.
   */
  static final class AgentExporter implements MetricExporter {
    private final Supplier<MetricExporter> create;
    private final @Nullable String endpoint;
    private final AgentErrors errors;
    private @Nullable MetricExporter delegate;

    AgentExporter(Supplier<MetricExporter> create, @Nullable String endpoint, AgentErrors errors) {
      this.create = create;
      this.endpoint = endpoint;
      this.errors = errors;
    }

    private synchronized MetricExporter delegate() {
      if (delegate == null) {
        delegate = create.get();
      }
      return delegate;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      CompletableResultCode result;
      try {
        result = delegate().export(metrics);
      } catch (RuntimeException | LinkageError e) {
        errors.record(COMPONENT, e); // no exporter (a JVM without java.net.http): counted each time
        return CompletableResultCode.ofFailure();
      }
      result.whenComplete(
          () -> {
            if (!result.isSuccess()) {
              errors.record(
                  COMPONENT,
                  new IllegalStateException(
                      "OTLP export to "
                          + endpoint
                          + " failed: "
                          + reason(result.getFailureThrowable())));
            }
          });
      return result;
    }

    /**
     * The collector's answer (HTTP status) or why there was none (connection refused, time-out).
     */
    static String reason(Throwable failure) {
      if (failure instanceof FailedExportException.HttpExportException http) {
        if (http.failedWithResponse() && http.getResponse() != null) {
          return "the collector answered HTTP " + http.getResponse().getStatusCode();
        }
        return "no answer (" + root(http.getCause()) + ")";
      }
      return failure == null ? "no reason given" : root(failure);
    }

    /** The innermost cause: the sender wraps a refused connection in two layers of its own. */
    private static String root(@Nullable Throwable failure) {
      Throwable t = failure;
      for (int depth = 0;
          t != null && t.getCause() != null && t.getCause() != t && depth < 10;
          depth++) {
        t = t.getCause();
      }
      return String.valueOf(t);
    }

    // What the reader asks before the first export: the OTLP exporter's answers as built above.

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
      return Aggregation.defaultAggregation();
    }

    @Override
    public MemoryMode getMemoryMode() {
      return MemoryMode.IMMUTABLE_DATA;
    }

    @Override
    public synchronized CompletableResultCode flush() {
      return delegate == null ? CompletableResultCode.ofSuccess() : delegate.flush();
    }

    @Override
    public synchronized CompletableResultCode shutdown() {
      return delegate == null ? CompletableResultCode.ofSuccess() : delegate.shutdown();
    }
  }
}
