package io.opspulse.agent.core;

import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opspulse.catalog.JvmMetrics;
import io.opspulse.catalog.MetricDefinition;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The metrics read at collection time: pools, executors, dev mode, starts, the agent's own errors.
 */
final class ObservedMetrics {
  static final Map<String, Duration> START_WINDOWS = windows();
  private static final AttributeKey<String> POOL = stringKey("pool");
  private static final AttributeKey<String> CONNECTION_POOL = AgentRecorder.CONNECTION_POOL;
  private static final AttributeKey<String> CONNECTION_STATE =
      stringKey("db.client.connection.state");
  private static final AttributeKey<String> WINDOW = stringKey("window");
  private static final AttributeKey<String> REASON = stringKey("reason");
  private static final AttributeKey<String> COMPONENT = stringKey("component");

  private final Meter meter;
  private final AgentErrors errors;

  ObservedMetrics(Meter meter, AgentErrors errors) {
    this.meter = meter;
    this.errors = errors;
  }

  private static Map<String, Duration> windows() {
    Map<String, Duration> w = new LinkedHashMap<>();
    w.put("5m", Duration.ofMinutes(5));
    w.put("1h", Duration.ofHours(1));
    w.put("24h", StartHistory.KEEP);
    return w;
  }

  void agentErrors() {
    counter(
        JvmMetrics.AGENT_ERRORS,
        m ->
            errors.forEach(
                (component, count) -> m.record(count, Attributes.of(COMPONENT, component))));
  }

  void executors(ExecutorRegistry registry) {
    ObservableLongMeasurement queued = gaugeObserver(JvmMetrics.EXECUTOR_QUEUE_DEPTH);
    ObservableLongMeasurement active = gaugeObserver(JvmMetrics.EXECUTOR_ACTIVE);
    ObservableLongMeasurement size = gaugeObserver(JvmMetrics.EXECUTOR_POOL_SIZE);
    ObservableLongMeasurement max = gaugeObserver(JvmMetrics.EXECUTOR_MAX);
    ObservableLongMeasurement completed = counterObserver(JvmMetrics.EXECUTOR_COMPLETED);
    ObservableLongMeasurement rejected = counterObserver(JvmMetrics.EXECUTOR_REJECTED);
    meter.batchCallback(
        () ->
            guarded(
                "executor",
                () -> {
                  for (ExecutorRegistry.Snapshot s :
                      registry.snapshot(e -> errors.record("executor", e))) {
                    Attributes a = Attributes.of(POOL, s.pool());
                    queued.record(s.queued(), a);
                    if (s.active() != PoolKind.ABSENT) {
                      active.record(s.active(), a);
                    }
                    size.record(s.poolSize(), a);
                    max.record(s.max(), a);
                    if (s.completed() != PoolKind.ABSENT) {
                      completed.record(s.completed(), a);
                    }
                    if (s.rejected() != PoolKind.ABSENT) {
                      rejected.record(s.rejected(), a);
                    }
                  }
                }),
        queued,
        active,
        size,
        max,
        completed,
        rejected);
  }

  void connectionPools(ConnectionPools pools) {
    ObservableLongMeasurement count = gaugeObserver(JvmMetrics.POOL_CONNECTIONS);
    ObservableLongMeasurement max = gaugeObserver(JvmMetrics.POOL_MAX);
    ObservableLongMeasurement pending = gaugeObserver(JvmMetrics.POOL_PENDING);
    meter.batchCallback(
        () ->
            guarded(
                "connection-pool",
                () -> {
                  for (ConnectionPools.Snapshot s :
                      pools.snapshot(e -> errors.record("connection-pool", e))) {
                    count.record(
                        s.used(),
                        Attributes.of(CONNECTION_POOL, s.pool(), CONNECTION_STATE, "used"));
                    count.record(
                        s.idle(),
                        Attributes.of(CONNECTION_POOL, s.pool(), CONNECTION_STATE, "idle"));
                    max.record(s.max(), Attributes.of(CONNECTION_POOL, s.pool()));
                    pending.record(s.pending(), Attributes.of(CONNECTION_POOL, s.pool()));
                  }
                }),
        count,
        max,
        pending);
  }

  void devMode(DevMode devMode) {
    meter
        .gaugeBuilder(JvmMetrics.DEV_MODE.otelName())
        .setDescription(JvmMetrics.DEV_MODE.help())
        .ofLongs()
        .buildWithCallback(
            m ->
                guarded(
                    "dev-mode",
                    () -> {
                      List<String> reasons = devMode.reasons();
                      if (reasons.isEmpty()) {
                        m.record(0, Attributes.of(REASON, "none"));
                      }
                      for (String reason : reasons) {
                        m.record(1, Attributes.of(REASON, reason));
                      }
                    }));
    counter(JvmMetrics.IN_PROCESS_RESTARTS, m -> m.record(devMode.inProcessRestarts()));
  }

  void starts(StartHistory history) {
    meter
        .gaugeBuilder(JvmMetrics.STARTS_RECENT.otelName())
        .setDescription(JvmMetrics.STARTS_RECENT.help())
        .ofLongs()
        .buildWithCallback(
            m -> {
              long now = System.currentTimeMillis();
              START_WINDOWS.forEach(
                  (name, window) ->
                      m.record(history.startsWithin(window, now), Attributes.of(WINDOW, name)));
            });
  }

  /**
   * Deadlocked threads, open file descriptors and process start time: not in OTel's runtime
   * library.
   */
  void runtimeExtras() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    meter
        .gaugeBuilder(JvmMetrics.JVM_DEADLOCKED_THREADS.otelName())
        .setDescription(JvmMetrics.JVM_DEADLOCKED_THREADS.help())
        .ofLongs()
        .buildWithCallback(
            m ->
                guarded(
                    "runtime",
                    () -> {
                      long[] ids = threads.findDeadlockedThreads();
                      m.record(ids == null ? 0 : ids.length);
                    }));
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      meter
          .gaugeBuilder(JvmMetrics.JVM_FILE_DESCRIPTORS.otelName())
          .setDescription(JvmMetrics.JVM_FILE_DESCRIPTORS.help())
          .ofLongs()
          .buildWithCallback(m -> m.record(unix.getOpenFileDescriptorCount()));
    }
    double startSeconds = ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0;
    meter
        .gaugeBuilder(JvmMetrics.PROCESS_START_TIME.otelName())
        .setUnit(Instruments.unit(JvmMetrics.PROCESS_START_TIME))
        .setDescription(JvmMetrics.PROCESS_START_TIME.help())
        .buildWithCallback(m -> m.record(startSeconds));
  }

  private ObservableLongMeasurement gaugeObserver(MetricDefinition def) {
    return meter
        .gaugeBuilder(def.otelName())
        .setUnit(Instruments.unit(def))
        .setDescription(def.help())
        .ofLongs()
        .buildObserver();
  }

  private ObservableLongMeasurement counterObserver(MetricDefinition def) {
    return meter
        .counterBuilder(def.otelName())
        .setUnit(Instruments.unit(def))
        .setDescription(def.help())
        .buildObserver();
  }

  private ObservableLongCounter counter(
      MetricDefinition def, Consumer<ObservableLongMeasurement> callback) {
    return meter
        .counterBuilder(def.otelName())
        .setUnit(Instruments.unit(def))
        .setDescription(def.help())
        .buildWithCallback(callback);
  }

  private void guarded(String component, Runnable body) {
    try {
      body.run();
    } catch (RuntimeException | LinkageError e) {
      errors.record(component, e);
    }
  }
}
