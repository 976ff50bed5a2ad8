package io.opspulse.catalog;

import static io.opspulse.catalog.MetricDefinition.counter;
import static io.opspulse.catalog.MetricDefinition.gauge;
import static io.opspulse.catalog.MetricDefinition.histogram;

import java.util.List;

/**
 * What the Java agent publishes from inside a JVM service. Names are OpenTelemetry instrument names
 * ({@code otelName}) and, beside them, the Prometheus names OpenTelemetry's Prometheus exporter
 * turns them into (dots to underscores, unit suffix, {@code _total} on counters). Labels are
 * exactly what that exporter emits: the agent turns its {@code otel_scope_*} labels off, and a
 * label whose attribute is not set on a point (no {@code error_type} on a success) is absent from
 * that series. The javaagent's integration test scrapes a real agent and holds every name and label
 * here to what it finds.
 */
public final class JvmMetrics {
  private JvmMetrics() {}

  // --- HTTP server and client RED ---
  public static final MetricDefinition HTTP_SERVER_DURATION =
      histogram("http_server_request_duration_seconds")
          .unit(Unit.SECONDS)
          .labels(
              "http_request_method",
              "url_scheme",
              "http_route",
              "http_response_status_code",
              "error_type")
          .help("Duration of HTTP server requests.")
          .otel("http.server.request.duration")
          .build(Source.AGENT);
  public static final MetricDefinition HTTP_CLIENT_DURATION =
      histogram("http_client_request_duration_seconds")
          .unit(Unit.SECONDS)
          .labels(
              "http_request_method",
              "server_address",
              "server_port",
              "http_response_status_code",
              "error_type")
          .help("Duration of HTTP client requests, by the server called.")
          .otel("http.client.request.duration")
          .build(Source.AGENT);
  public static final MetricDefinition DB_CLIENT_DURATION =
      histogram("db_client_operation_duration_seconds")
          .unit(Unit.SECONDS)
          .labels("db_system_name", "db_operation_name", "error_type")
          .help("Duration of JDBC statement executions (outermost call only).")
          .otel("db.client.operation.duration")
          .build(Source.AGENT);
  public static final MetricDefinition DB_STATEMENTS_PER_REQUEST =
      histogram("opspulse_db_statements_per_request")
          .labels("http_route")
          .help(
              "JDBC statements executed while serving one HTTP request; a high tail means N+1 queries.")
          .otel("opspulse.db.statements_per_request")
          .build(Source.AGENT);

  // --- executors ---
  public static final MetricDefinition EXECUTOR_QUEUE_DEPTH =
      gauge("opspulse_executor_queue_depth")
          .labels("pool")
          .help("Tasks waiting in the executor's queue.")
          .otel("opspulse.executor.queue_depth")
          .build(Source.AGENT);
  public static final MetricDefinition EXECUTOR_ACTIVE =
      gauge("opspulse_executor_active_threads")
          .labels("pool")
          .help("Threads of the executor running a task.")
          .otel("opspulse.executor.active_threads")
          .build(Source.AGENT);
  public static final MetricDefinition EXECUTOR_POOL_SIZE =
      gauge("opspulse_executor_pool_threads")
          .labels("pool")
          .help("Threads the executor has now.")
          .otel("opspulse.executor.pool_threads")
          .build(Source.AGENT);
  public static final MetricDefinition EXECUTOR_MAX =
      gauge("opspulse_executor_max_threads")
          .labels("pool")
          .help("Threads the executor may grow to.")
          .otel("opspulse.executor.max_threads")
          .build(Source.AGENT);
  public static final MetricDefinition EXECUTOR_COMPLETED =
      counter("opspulse_executor_completed_tasks_total")
          .labels("pool")
          .help("Tasks the executor completed.")
          .otel("opspulse.executor.completed_tasks")
          .build(Source.AGENT);
  public static final MetricDefinition EXECUTOR_REJECTED =
      counter("opspulse_executor_rejected_tasks_total")
          .labels("pool")
          .help("Tasks the executor rejected.")
          .otel("opspulse.executor.rejected_tasks")
          .build(Source.AGENT);

  // --- connection pools (OpenTelemetry db.client.connection.*) ---
  public static final MetricDefinition POOL_CONNECTIONS =
      gauge("db_client_connection_count")
          .labels("db_client_connection_pool_name", "db_client_connection_state")
          .help("Connections of the pool by state (idle, used).")
          .otel("db.client.connection.count")
          .build(Source.AGENT);
  public static final MetricDefinition POOL_MAX =
      gauge("db_client_connection_max")
          .labels("db_client_connection_pool_name")
          .help("Connections the pool may open.")
          .otel("db.client.connection.max")
          .build(Source.AGENT);
  public static final MetricDefinition POOL_PENDING =
      gauge("db_client_connection_pending_requests")
          .labels("db_client_connection_pool_name")
          .help("Callers waiting for a connection.")
          .otel("db.client.connection.pending_requests")
          .build(Source.AGENT);
  public static final MetricDefinition POOL_WAIT_TIME =
      histogram("db_client_connection_wait_time_seconds")
          .unit(Unit.SECONDS)
          .labels("db_client_connection_pool_name")
          .help(
              "Time a caller waited to obtain a connection from the pool (a timeout counts its full wait).")
          .otel("db.client.connection.wait_time")
          .build(Source.AGENT);

  // --- runtime (OpenTelemetry jvm.* conventions) ---
  public static final MetricDefinition JVM_MEMORY_USED =
      gauge("jvm_memory_used_bytes")
          .unit(Unit.BYTES)
          .labels("jvm_memory_type", "jvm_memory_pool_name")
          .help("Memory used, by pool.")
          .otel("jvm.memory.used")
          .build(Source.AGENT);
  public static final MetricDefinition JVM_MEMORY_COMMITTED =
      gauge("jvm_memory_committed_bytes")
          .unit(Unit.BYTES)
          .labels("jvm_memory_type", "jvm_memory_pool_name")
          .help("Memory committed (reserved from the OS), by pool.")
          .otel("jvm.memory.committed")
          .build(Source.AGENT);
  public static final MetricDefinition JVM_MEMORY_LIMIT =
      gauge("jvm_memory_limit_bytes")
          .unit(Unit.BYTES)
          .labels("jvm_memory_type", "jvm_memory_pool_name")
          .help("Memory a pool may grow to.")
          .otel("jvm.memory.limit")
          .build(Source.AGENT);
  public static final MetricDefinition JVM_MEMORY_USED_AFTER_GC =
      gauge("jvm_memory_used_after_last_gc_bytes")
          .unit(Unit.BYTES)
          .labels("jvm_memory_type", "jvm_memory_pool_name")
          .help("Memory used by a pool right after the last collection.")
          .otel("jvm.memory.used_after_last_gc")
          .build(Source.AGENT);
  public static final MetricDefinition JVM_GC_DURATION =
      histogram("jvm_gc_duration_seconds")
          .unit(Unit.SECONDS)
          .labels("jvm_gc_name", "jvm_gc_action")
          .help("Duration of garbage collections.")
          .otel("jvm.gc.duration")
          .build(Source.AGENT);
  public static final MetricDefinition JVM_THREADS =
      gauge("jvm_thread_count")
          .labels("jvm_thread_daemon", "jvm_thread_state")
          .help("Platform threads, by state.")
          .otel("jvm.thread.count")
          .build(Source.AGENT);
  public static final MetricDefinition JVM_CLASSES_LOADED =
      gauge("jvm_class_count")
          .help("Classes loaded now.")
          .otel("jvm.class.count")
          .build(Source.AGENT);
  public static final MetricDefinition JVM_CLASSES_LOADED_TOTAL =
      counter("jvm_class_loaded_total")
          .help("Classes loaded since the JVM started.")
          .otel("jvm.class.loaded")
          .build(Source.AGENT);
  public static final MetricDefinition JVM_CLASSES_UNLOADED_TOTAL =
      counter("jvm_class_unloaded_total")
          .help("Classes unloaded since the JVM started.")
          .otel("jvm.class.unloaded")
          .build(Source.AGENT);
  public static final MetricDefinition JVM_CPU_TIME =
      counter("jvm_cpu_time_seconds_total")
          .unit(Unit.SECONDS)
          .help("CPU time the JVM process used.")
          .otel("jvm.cpu.time")
          .build(Source.AGENT);

  /**
   * A share of all CPUs (0..1). Unit "1", which OpenTelemetry's Prometheus exporter does not turn
   * into a {@code _ratio} suffix for this instrument, so the scraped name carries none.
   */
  public static final MetricDefinition JVM_CPU_UTILIZATION =
      gauge("jvm_cpu_recent_utilization")
          .help("Recent CPU use of the JVM process, as a share of all CPUs (0..1).")
          .otel("jvm.cpu.recent_utilization")
          .build(Source.AGENT);

  public static final MetricDefinition JVM_CPU_COUNT =
      gauge("jvm_cpu_count")
          .help("CPUs available to the JVM.")
          .otel("jvm.cpu.count")
          .build(Source.AGENT);
  public static final MetricDefinition JVM_DEADLOCKED_THREADS =
      gauge("opspulse_jvm_deadlocked_threads")
          .help("Threads deadlocked on monitors or ownable synchronizers.")
          .otel("opspulse.jvm.deadlocked_threads")
          .build(Source.AGENT);
  public static final MetricDefinition JVM_FILE_DESCRIPTORS =
      gauge("opspulse_jvm_open_file_descriptors")
          .help("File descriptors the process holds open.")
          .otel("opspulse.jvm.open_file_descriptors")
          .build(Source.AGENT);

  public static final MetricDefinition PROCESS_START_TIME =
      gauge("process_start_time_seconds")
          .unit(Unit.SECONDS)
          .help("When the JVM process started, in seconds since the epoch.")
          .otel("process.start_time")
          .build(Source.AGENT);

  // --- restart loops and dev mode ---
  public static final MetricDefinition STARTS_RECENT =
      gauge("opspulse_jvm_recent_starts")
          .labels("window")
          .help("Times this service's JVM started within the window, from the agent's state file.")
          .otel("opspulse.jvm.recent_starts")
          .build(Source.AGENT);
  public static final MetricDefinition DEV_MODE =
      gauge("opspulse_dev_mode")
          .labels("reason")
          .help(
              "1 when development machinery runs in the process (devtools, jdwp, quarkus_dev, ...), by reason.")
          .otel("opspulse.dev_mode")
          .build(Source.AGENT);
  public static final MetricDefinition IN_PROCESS_RESTARTS =
      counter("opspulse_in_process_restarts_total")
          .help("Application restarts inside the JVM (DevTools restart class loaders).")
          .otel("opspulse.in_process_restarts")
          .build(Source.AGENT);
  public static final MetricDefinition AGENT_ERRORS =
      counter("opspulse_agent_errors_total")
          .labels("component")
          .help("Failures inside the agent that it contained, by component; the service ran on.")
          .otel("opspulse.agent.errors")
          .build(Source.AGENT);

  /**
   * OpenTelemetry's resource as a series. The agent's build rides on it as the semantic
   * conventions' distro attributes (a gauge named *_info would lose its suffix in OpenTelemetry's
   * Prometheus exporter).
   */
  public static final MetricDefinition TARGET_INFO =
      gauge("target_info")
          .labels(
              "service_name",
              "telemetry_sdk_language",
              "telemetry_sdk_name",
              "telemetry_sdk_version",
              "telemetry_distro_name",
              "telemetry_distro_version",
              "opspulse_agent_revision")
          .help(
              "The service's OpenTelemetry resource, value 1: its name, the SDK, and the agent's build (telemetry_distro_name opspulse-agent, its version and git revision).")
          .build(Source.AGENT);

  public static final List<MetricDefinition> ALL =
      List.of(
          HTTP_SERVER_DURATION,
          HTTP_CLIENT_DURATION,
          DB_CLIENT_DURATION,
          DB_STATEMENTS_PER_REQUEST,
          EXECUTOR_QUEUE_DEPTH,
          EXECUTOR_ACTIVE,
          EXECUTOR_POOL_SIZE,
          EXECUTOR_MAX,
          EXECUTOR_COMPLETED,
          EXECUTOR_REJECTED,
          POOL_CONNECTIONS,
          POOL_MAX,
          POOL_PENDING,
          POOL_WAIT_TIME,
          JVM_MEMORY_USED,
          JVM_MEMORY_COMMITTED,
          JVM_MEMORY_LIMIT,
          JVM_MEMORY_USED_AFTER_GC,
          JVM_GC_DURATION,
          JVM_THREADS,
          JVM_CLASSES_LOADED,
          JVM_CLASSES_LOADED_TOTAL,
          JVM_CLASSES_UNLOADED_TOTAL,
          JVM_CPU_TIME,
          JVM_CPU_UTILIZATION,
          JVM_CPU_COUNT,
          JVM_DEADLOCKED_THREADS,
          JVM_FILE_DESCRIPTORS,
          PROCESS_START_TIME,
          STARTS_RECENT,
          DEV_MODE,
          IN_PROCESS_RESTARTS,
          AGENT_ERRORS,
          TARGET_INFO);
}
