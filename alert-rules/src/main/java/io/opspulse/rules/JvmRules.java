package io.opspulse.rules;

import static io.opspulse.catalog.JvmMetrics.DB_CLIENT_DURATION;
import static io.opspulse.catalog.JvmMetrics.DEV_MODE;
import static io.opspulse.catalog.JvmMetrics.EXECUTOR_ACTIVE;
import static io.opspulse.catalog.JvmMetrics.EXECUTOR_MAX;
import static io.opspulse.catalog.JvmMetrics.EXECUTOR_QUEUE_DEPTH;
import static io.opspulse.catalog.JvmMetrics.HTTP_CLIENT_DURATION;
import static io.opspulse.catalog.JvmMetrics.HTTP_SERVER_DURATION;
import static io.opspulse.catalog.JvmMetrics.IN_PROCESS_RESTARTS;
import static io.opspulse.catalog.JvmMetrics.JVM_CPU_COUNT;
import static io.opspulse.catalog.JvmMetrics.JVM_CPU_TIME;
import static io.opspulse.catalog.JvmMetrics.JVM_DEADLOCKED_THREADS;
import static io.opspulse.catalog.JvmMetrics.JVM_GC_DURATION;
import static io.opspulse.catalog.JvmMetrics.JVM_MEMORY_LIMIT;
import static io.opspulse.catalog.JvmMetrics.JVM_MEMORY_USED_AFTER_GC;
import static io.opspulse.catalog.JvmMetrics.POOL_CONNECTIONS;
import static io.opspulse.catalog.JvmMetrics.POOL_MAX;
import static io.opspulse.catalog.JvmMetrics.POOL_PENDING;
import static io.opspulse.catalog.JvmMetrics.STARTS_RECENT;

import io.opspulse.catalog.ExternalMetrics;
import io.opspulse.catalog.MetricDefinition;
import io.opspulse.catalog.Thresholds;
import java.util.List;

/**
 * Rules over the Java agent's metrics. Every expression aggregates {@code by} the labels it means
 * to keep: OpenTelemetry's Prometheus exporter adds scope labels ({@code otel_scope_name}, ...) by
 * default, which differ between instruments; the opspulse agent turns them off, but a service
 * exporting through its own OpenTelemetry setup may not, and series of two instruments must still
 * match.
 */
final class JvmRules {
  static final String GROUP = "opspulse-jvm";

  static final String CPU = "instance:jvm_cpu_time_seconds:ratio_rate5m";
  static final String HTTP_P95 = "instance_route:http_server_request_duration_seconds:p95_rate5m";
  static final String HTTP_5XX = "instance:http_server_request_5xx:ratio_rate5m";
  static final String HTTP_503 = "instance_route:http_server_request_503:ratio_rate5m";
  static final String DEPENDENCY_FAILURES =
      "instance_server:http_client_request_failures:ratio_rate5m";
  static final String DB_P95 = "instance_db:db_client_operation_duration_seconds:p95_rate5m";
  static final String GC_RATIO = "instance:jvm_gc_duration_seconds:ratio_rate5m";
  static final String HEAP_AFTER_GC =
      "instance_pool:jvm_memory_used_after_last_gc_bytes:ratio_limit";
  static final String AGENT_SEEN = "instance:jvm_cpu_count:latched";
  // Traffic, for the minimum-traffic guards of the ratio and p95 alerts.
  static final String SERVER_RATE = "instance:http_server_requests:rate5m";
  static final String ROUTE_RATE = "instance_route:http_server_requests:rate5m";
  static final String CLIENT_RATE = "instance_server:http_client_requests:rate5m";
  static final String DB_RATE = "instance_db:db_client_operations:rate5m";

  private JvmRules() {}

  static RuleGroup group(Promql q) {
    String count = "_count";
    List<Rule> rules =
        List.of(
            // Against the CPUs the JVM may use (its container's limit), not the host's: a service
            // pinned to
            // two cores that burns both is saturated even on a 16-core host.
            new RecordingRule(
                CPU,
                "sum by (job, instance) (rate("
                    + q.m(JVM_CPU_TIME)
                    + "[5m]))\n/ on (job, instance)\n"
                    + "max by (job, instance) ("
                    + q.m(JVM_CPU_COUNT)
                    + ")"),
            new RecordingRule(
                HTTP_P95,
                "histogram_quantile(0.95, sum by (job, instance, http_route, le) (rate("
                    + series(q, HTTP_SERVER_DURATION, "_bucket")
                    + "[5m])))"),
            new RecordingRule(
                HTTP_5XX,
                "sum by (job, instance) (rate("
                    + series(q, HTTP_SERVER_DURATION, count, "http_response_status_code=~\"5..\"")
                    + "[5m]))\n/\nsum by (job, instance) (rate("
                    + series(q, HTTP_SERVER_DURATION, count)
                    + "[5m]))"),
            new RecordingRule(
                HTTP_503,
                "sum by (job, instance, http_route) (rate("
                    + series(q, HTTP_SERVER_DURATION, count, "http_response_status_code=\"503\"")
                    + "[5m]))\n/\nsum by (job, instance, http_route) (rate("
                    + series(q, HTTP_SERVER_DURATION, count)
                    + "[5m]))"),
            // OpenTelemetry sets error.type on every failed client call: a status >= 400 or an
            // exception.
            new RecordingRule(
                DEPENDENCY_FAILURES,
                "sum by (job, instance, server_address) (rate("
                    + series(q, HTTP_CLIENT_DURATION, count, "error_type!=\"\"")
                    + "[5m]))\n/\n"
                    + "sum by (job, instance, server_address) (rate("
                    + series(q, HTTP_CLIENT_DURATION, count)
                    + "[5m]))"),
            new RecordingRule(
                DB_P95,
                "histogram_quantile(0.95, sum by (job, instance, db_system_name, le) (rate("
                    + series(q, DB_CLIENT_DURATION, "_bucket")
                    + "[5m])))"),
            // Pauses only: concurrent cycles (G1 Concurrent GC, ZGC/Shenandoah Cycles) run beside
            // the
            // application and would count wall time the application did not lose.
            new RecordingRule(
                GC_RATIO,
                "sum by (job, instance) (rate("
                    + series(q, JVM_GC_DURATION, "_sum", "jvm_gc_name!~\".*(Concurrent|Cycles).*\"")
                    + "[5m]))"),
            // Per pool with a limit: the old generation still full right after a collection is the
            // leak.
            new RecordingRule(
                HEAP_AFTER_GC,
                "max by (job, instance, jvm_memory_pool_name) ("
                    + q.m(JVM_MEMORY_USED_AFTER_GC, "jvm_memory_type=\"heap\"")
                    + ")\n/\n"
                    + "max by (job, instance, jvm_memory_pool_name) ("
                    + q.m(JVM_MEMORY_LIMIT, "jvm_memory_type=\"heap\"")
                    + ")"),
            new RecordingRule(
                SERVER_RATE,
                "sum by (job, instance) (rate("
                    + series(q, HTTP_SERVER_DURATION, count)
                    + "[5m]))"),
            new RecordingRule(
                ROUTE_RATE,
                "sum by (job, instance, http_route) (rate("
                    + series(q, HTTP_SERVER_DURATION, count)
                    + "[5m]))"),
            new RecordingRule(
                CLIENT_RATE,
                "sum by (job, instance, server_address) (rate("
                    + series(q, HTTP_CLIENT_DURATION, count)
                    + "[5m]))"),
            new RecordingRule(
                DB_RATE,
                "sum by (job, instance, db_system_name) (rate("
                    + series(q, DB_CLIENT_DURATION, count)
                    + "[5m]))"),
            FleetRules.latch(AGENT_SEEN, "present_over_time(" + q.m(JVM_CPU_COUNT) + "[1d])", q),
            AlertRule.builder("OpspulseJvmTargetDown")
                .expr(q.m(ExternalMetrics.UP) + " == 0\nand on (job, instance)\n" + AGENT_SEEN)
                .forDuration("5m")
                .severity(Severity.CRITICAL)
                .summary("Prometheus cannot scrape a JVM service that the agent instruments.")
                .description(
                    "The JVM service at {{ $labels.instance }} (job {{ $labels.job }}) has not been scraped"
                        + " for 5 minutes or more; its other alerts are blind.")
                .build(),
            AlertRule.builder("OpspulseJvmRestartLoop")
                .expr(
                    "max by (job, instance) ("
                        + q.m(STARTS_RECENT)
                        + ") > "
                        + q.t(Thresholds.JVM_RECENT_STARTS))
                // A restart-looping JVM is scraped only in the short spans between its restarts;
                // its series go
                // stale each time it dies, and Prometheus resets a pending alert whose series
                // vanish, so any
                // `for` would never be reached. The agent's start count is already a window over
                // past starts.
                .instantBecause(
                    "the looping JVM's series vanish between starts, which resets any pending period")
                .severity(Severity.CRITICAL)
                .summary("A JVM service keeps restarting.")
                .description(
                    "The JVM at {{ $labels.instance }} (job {{ $labels.job }}) started"
                        + " {{ $value | printf \"%.0f\" }} times within the agent's window (more than "
                        + q.t(Thresholds.JVM_RECENT_STARTS)
                        + ").")
                .build(),
            AlertRule.builder("OpspulseJvmReloadLoop")
                .expr(
                    "sum by (job, instance) (increase("
                        + q.m(IN_PROCESS_RESTARTS)
                        + "[1h])) > "
                        + q.t(Thresholds.RESTARTS_PER_HOUR))
                .forDuration(q.forOf(Thresholds.RESTARTS_PER_HOUR))
                .severity(Severity.WARNING)
                .summary("A JVM service keeps reloading its application in-process.")
                .description(
                    "The application in {{ $labels.instance }} (job {{ $labels.job }}) reloaded"
                        + " {{ $value | printf \"%.0f\" }} times in the last hour: a file watcher is restarting it.")
                .build(),
            AlertRule.builder("OpspulseJvmDevModeEnabled")
                .expr("max by (job, instance, reason) (" + q.m(DEV_MODE) + ") == 1")
                .forDuration("5m")
                .severity(Severity.WARNING)
                .summary("Development machinery runs in a JVM service.")
                .description(
                    "The JVM at {{ $labels.instance }} (job {{ $labels.job }}) runs with {{ $labels.reason }}.")
                .build(),
            AlertRule.builder("OpspulseJvmCpuHigh")
                .expr(CPU + " > " + q.t(Thresholds.JVM_CPU_HIGH))
                .forDuration(q.forOf(Thresholds.JVM_CPU_HIGH))
                .severity(Severity.WARNING)
                .summary("A JVM service uses most of the CPUs available to it.")
                .description(
                    "The JVM at {{ $labels.instance }} (job {{ $labels.job }}) uses"
                        + " {{ $value | humanizePercentage }} of its CPUs (above "
                        + q.pct(Thresholds.JVM_CPU_HIGH)
                        + ").")
                .build(),
            AlertRule.builder("OpspulseHttpLatencyHigh")
                .expr(
                    HTTP_P95
                        + " > "
                        + q.t(Thresholds.HTTP_P95)
                        + busy(q, ROUTE_RATE, "job, instance, http_route"))
                .forDuration(q.forOf(Thresholds.HTTP_P95))
                .severity(Severity.WARNING)
                .summary("An HTTP route's p95 latency is above its threshold.")
                .description(
                    "p95 latency of {{ $labels.http_route }} on {{ $labels.instance }} (job {{ $labels.job }})"
                        + " is {{ $value | humanizeDuration }} (above "
                        + q.t(Thresholds.HTTP_P95)
                        + "s).")
                .build(),
            AlertRule.builder("OpspulseHttp5xxRatioHigh")
                .expr(
                    HTTP_5XX
                        + " > "
                        + q.t(Thresholds.HTTP_5XX_RATIO)
                        + busy(q, SERVER_RATE, "job, instance"))
                .forDuration(q.forOf(Thresholds.HTTP_5XX_RATIO))
                .severity(Severity.CRITICAL)
                .summary("A service answers too many requests with 5xx.")
                .description(
                    "{{ $value | humanizePercentage }} of the responses of {{ $labels.instance }}"
                        + " (job {{ $labels.job }}) are 5xx (above "
                        + q.pct(Thresholds.HTTP_5XX_RATIO)
                        + ").")
                .build(),
            AlertRule.builder("OpspulseHttpServiceUnavailable")
                .expr(
                    HTTP_503
                        + " > "
                        + q.t(Thresholds.HTTP_503_RATIO)
                        + busy(q, ROUTE_RATE, "job, instance, http_route"))
                .forDuration(q.forOf(Thresholds.HTTP_503_RATIO))
                .severity(Severity.WARNING)
                .summary("An HTTP route answers 503 Service Unavailable.")
                .description(
                    "{{ $value | humanizePercentage }} of the responses of {{ $labels.http_route }} on"
                        + " {{ $labels.instance }} (job {{ $labels.job }}) are 503.")
                .build(),
            AlertRule.builder("OpspulseDependencyFailureRatioHigh")
                .expr(
                    DEPENDENCY_FAILURES
                        + " > "
                        + q.t(Thresholds.DEPENDENCY_FAILURE_RATIO)
                        + busy(q, CLIENT_RATE, "job, instance, server_address"))
                .forDuration(q.forOf(Thresholds.DEPENDENCY_FAILURE_RATIO))
                .severity(Severity.WARNING)
                .summary("Too many calls to a dependency fail.")
                .description(
                    "{{ $value | humanizePercentage }} of the calls from {{ $labels.instance }}"
                        + " (job {{ $labels.job }}) to {{ $labels.server_address }} fail (above "
                        + q.pct(Thresholds.DEPENDENCY_FAILURE_RATIO)
                        + ").")
                .build(),
            AlertRule.builder("OpspulseExecutorSaturated")
                .expr(
                    "max by (job, instance, pool) ("
                        + q.m(EXECUTOR_QUEUE_DEPTH)
                        + ") > 0\n"
                        + "and on (job, instance, pool)\n(max by (job, instance, pool) (delta("
                        + q.m(EXECUTOR_QUEUE_DEPTH)
                        + "[10m])) > 0)\nand on (job, instance, pool)\n(max by (job, instance, pool) ("
                        + q.m(EXECUTOR_ACTIVE)
                        + ")\n>= on (job, instance, pool)\nmax by (job, instance, pool) ("
                        + q.m(EXECUTOR_MAX)
                        + "))")
                .forDuration("10m")
                .severity(Severity.WARNING)
                .summary("An executor's queue grows while all its threads are busy.")
                .description(
                    "Executor {{ $labels.pool }} in {{ $labels.instance }} (job {{ $labels.job }}) has all"
                        + " threads busy and {{ $value | printf \"%.0f\" }} tasks queued, growing.")
                .build(),
            AlertRule.builder("OpspulseConnectionPoolExhausted")
                .expr(
                    "max by (job, instance, db_client_connection_pool_name) ("
                        + q.m(POOL_PENDING)
                        + ") > 0\n"
                        + "and on (job, instance, db_client_connection_pool_name)\n"
                        + "(sum by (job, instance, db_client_connection_pool_name) ("
                        + q.m(POOL_CONNECTIONS, "db_client_connection_state=\"used\"")
                        + ")\n>= on (job, instance, db_client_connection_pool_name)\n"
                        + "max by (job, instance, db_client_connection_pool_name) ("
                        + q.m(POOL_MAX)
                        + "))")
                .forDuration("5m")
                .severity(Severity.WARNING)
                .summary("A connection pool has no free connection and callers are waiting.")
                .description(
                    "Pool {{ $labels.db_client_connection_pool_name }} in {{ $labels.instance }}"
                        + " (job {{ $labels.job }}) has every connection in use and {{ $value | printf \"%.0f\" }}"
                        + " callers waiting.")
                .build(),
            AlertRule.builder("OpspulseJvmGcTimeHigh")
                .expr(GC_RATIO + " > " + q.t(Thresholds.GC_TIME_RATIO))
                .forDuration(q.forOf(Thresholds.GC_TIME_RATIO))
                .severity(Severity.WARNING)
                .summary("A JVM spends too much of its time in garbage collection pauses.")
                .description(
                    "The JVM at {{ $labels.instance }} (job {{ $labels.job }}) spends"
                        + " {{ $value | humanizePercentage }} of its time in GC pauses (above "
                        + q.pct(Thresholds.GC_TIME_RATIO)
                        + ").")
                .build(),
            AlertRule.builder("OpspulseJvmHeapAfterGcHigh")
                .expr(HEAP_AFTER_GC + " > " + q.t(Thresholds.HEAP_AFTER_GC))
                .forDuration(q.forOf(Thresholds.HEAP_AFTER_GC))
                .severity(Severity.WARNING)
                .summary("A heap pool stays nearly full right after garbage collection.")
                .description(
                    "{{ $labels.jvm_memory_pool_name }} in {{ $labels.instance }} (job {{ $labels.job }}) is"
                        + " {{ $value | humanizePercentage }} full right after GC (above "
                        + q.pct(Thresholds.HEAP_AFTER_GC)
                        + ").")
                .build(),
            AlertRule.builder("OpspulseJvmDeadlockedThreads")
                .expr("max by (job, instance) (" + q.m(JVM_DEADLOCKED_THREADS) + ") > 0")
                .forDuration("2m")
                .severity(Severity.CRITICAL)
                .summary("Threads of a JVM are deadlocked.")
                .description(
                    "{{ $value | printf \"%.0f\" }} threads of the JVM at {{ $labels.instance }}"
                        + " (job {{ $labels.job }}) are deadlocked.")
                .build(),
            AlertRule.builder("OpspulseDatabaseLatencyHigh")
                .expr(
                    DB_P95
                        + " > "
                        + q.t(Thresholds.DB_P95)
                        + busy(q, DB_RATE, "job, instance, db_system_name"))
                .forDuration(q.forOf(Thresholds.DB_P95))
                .severity(Severity.WARNING)
                .summary("Database operations' p95 latency is above its threshold.")
                .description(
                    "p95 latency of {{ $labels.db_system_name }} operations from {{ $labels.instance }}"
                        + " (job {{ $labels.job }}) is {{ $value | humanizeDuration }} (above "
                        + q.t(Thresholds.DB_P95)
                        + "s).")
                .build());
    return new RuleGroup(GROUP, rules);
  }

  /**
   * The minimum-traffic guard: a ratio or p95 over a handful of requests is noise, so the alert
   * also needs {@code rate} at or above the catalog's {@code min_request_rate}.
   */
  private static String busy(Promql q, String rate, String on) {
    return "\nand on (" + on + ")\n" + rate + " >= " + q.t(Thresholds.MIN_REQUEST_RATE);
  }

  /** A histogram's {@code _bucket}, {@code _sum} or {@code _count} series with matchers. */
  private static String series(
      Promql q, MetricDefinition histogram, String suffix, String... matchers) {
    String family = q.m(histogram, matchers);
    int brace = family.indexOf('{');
    return brace < 0
        ? family + suffix
        : family.substring(0, brace) + suffix + family.substring(brace);
  }
}
