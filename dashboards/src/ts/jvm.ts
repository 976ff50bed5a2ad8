// JVM service, one row per part, RED for what it serves and calls, USE for what it runs on: HTTP
// server (rate, errors, duration by route, a latency heatmap), HTTP clients, the database, executors
// and connection pools, the runtime (GC, heap after GC, CPU with a link to the flame graph, threads),
// and the restarts and dev mode the reload-loop incident hid. Panels that show what an alert watches
// query its recording rule and link to its runbook.
import { Catalog } from "./catalog";
import { Board, flameGraphLink, unit, withHost } from "./board";
import { Rules } from "./rules";

export function jvm(catalog: Catalog, rules: Rules): Board {
  const b = new Board(catalog, rules, "opspulse-jvm",
    "One JVM service with the opspulse agent: RED (rate, errors, duration by route; dependency calls and failures) and USE (executors, connection pools, GC, heap, CPU, threads), restarts and dev mode.",
    ["jvm", "red", "use"], { job: "job", instance: "instance", http_route: "route" });
  const q = b.q;
  const server = "http_server_request_duration_seconds";
  const client = "http_client_request_duration_seconds";
  const db = "db_client_operation_duration_seconds";
  const byRoute = q.by(server, "http_route");
  const requests = q.rate(q.hist(server, "count"));
  const quantile = (phi: number, metric: string, ...labels: string[]) =>
    `histogram_quantile(${phi}, sum ${q.by(metric, "le", ...labels)} (${q.rate(q.hist(metric, "bucket"))}))`;
  // One series per bucket bound, for Grafana's heatmap format (it turns cumulative buckets into cells).
  const buckets = (metric: string) => `sum ${q.by(metric, "le")} (${q.rate(q.hist(metric, "bucket"))})`;

  b.variable("job", "job", "jvm_class_count", {}, "Service (job)")
    .variable("instance", "instance", "jvm_class_count", { job: "job" }, "Instance")
    .variable("route", "http_route", server, { job: "job", instance: "instance" }, "Route");
  b.profilerPortVariable();

  b.row("HTTP server (RED)");
  b.timeseries({
    title: "Request rate by route",
    description: "HTTP requests the service serves per second, by route.",
    unit: "reqps", min: 0, w: 6, h: 8,
    queries: [{ expr: `sum ${byRoute} (${requests})`, legend: "{{http_route}}" }],
  });
  b.timeseries({
    title: "5xx ratio by instance",
    description: "Share of responses with a 5xx status over all routes of each instance, over 5 minutes: the recording rule OpspulseHttp5xxRatioHigh compares (it fires only at 0.1 requests per second or more). The route filter does not apply: the alert counts every route.",
    unit: "percentunit", min: 0, w: 6, h: 8,
    thresholds: { base: "green", steps: [["http_5xx_ratio", "red"]] },
    alerts: ["OpspulseHttp5xxRatioHigh"],
    queries: [{ expr: b.rec("instance:http_server_request_5xx:ratio_rate5m", ["job", "instance"]), legend: "{{instance}}" }],
  });
  b.timeseries({
    title: "503 ratio by route",
    description: "Share of responses with status 503 by route over 5 minutes, the recording rule OpspulseHttpServiceUnavailable compares: the route says a dependency it needs is unavailable; above the line it is down for its callers.",
    unit: "percentunit", min: 0, w: 6, h: 8,
    thresholds: { base: "green", steps: [["http_503_ratio", "red"]] },
    alerts: ["OpspulseHttpServiceUnavailable"],
    queries: [{ expr: b.rec("instance_route:http_server_request_503:ratio_rate5m", ["job", "instance", "http_route"]), legend: "{{instance}} {{http_route}}" }],
  });
  b.timeseries({
    title: "Latency p95 by route",
    description: "95th percentile of HTTP server request duration by route over 5 minutes, the recording rule OpspulseHttpLatencyHigh compares; above the line the API is slow.",
    unit: unit(catalog, server), min: 0, w: 6, h: 8,
    thresholds: { base: "green", steps: [["http_p95", "red"]] },
    alerts: ["OpspulseHttpLatencyHigh"],
    queries: [{ expr: b.rec("instance_route:http_server_request_duration_seconds:p95_rate5m", ["job", "instance", "http_route"]), legend: "{{instance}} {{http_route}}" }],
  });
  b.newLine().heatmap({
    title: "Latency heatmap",
    description: "HTTP server requests per second by duration bucket over the selected routes: the whole distribution, where a second mode or a long tail shows that percentiles hide.",
    unit: unit(catalog, server), cellUnit: "reqps", w: 8, h: 8,
    queries: [{ expr: buckets(server), legend: "{{le}}" }],
  });
  b.timeseries({
    title: "Latency p50 / p95 / p99",
    description: "Median, 95th and 99th percentile of HTTP server request duration over the selected routes (OpspulseHttpLatencyHigh compares each route's p95).",
    alerts: ["OpspulseHttpLatencyHigh"],
    unit: unit(catalog, server), min: 0, w: 8, h: 8,
    thresholds: { base: "green", steps: [["http_p95", "red"]] },
    queries: [
      { expr: quantile(0.5, server), legend: "p50" },
      { expr: quantile(0.95, server), legend: "p95" },
      { expr: quantile(0.99, server), legend: "p99" },
    ],
  });
  b.timeseries({
    title: "Responses by status code",
    description: "HTTP responses per second by status code, over the selected routes.",
    unit: "reqps", min: 0, w: 8, h: 8,
    queries: [{ expr: `sum ${q.by(server, "http_response_status_code")} (${requests})`, legend: "{{http_response_status_code}}" }],
  });

  const calls = q.rate(q.hist(client, "count"));
  const byServer = q.by(client, "server_address");
  b.row("HTTP clients (RED)");
  b.timeseries({
    title: "Dependency calls",
    description: "Outgoing HTTP calls per second, by the server called.",
    unit: "reqps", min: 0, w: 6, h: 8,
    queries: [{ expr: `sum ${byServer} (${calls})`, legend: "{{server_address}}" }],
  });
  b.timeseries({
    title: "Dependency failure ratio",
    description: "Share of outgoing calls that failed (error_type set: connection errors, timeouts, 4xx/5xx) by server over 5 minutes, the recording rule OpspulseDependencyFailureRatioHigh compares (it fires only at 0.1 calls per second or more); above the line a dependency is failing.",
    unit: "percentunit", min: 0, w: 6, h: 8,
    thresholds: { base: "green", steps: [["dependency_failure_ratio", "red"]] },
    alerts: ["OpspulseDependencyFailureRatioHigh"],
    queries: [{ expr: b.rec("instance_server:http_client_request_failures:ratio_rate5m", ["job", "instance", "server_address"]), legend: "{{instance}} {{server_address}}" }],
  });
  b.timeseries({
    title: "Dependency latency p95",
    description: "95th percentile of outgoing HTTP call duration, by server.",
    unit: unit(catalog, client), min: 0, w: 6, h: 8,
    queries: [{ expr: quantile(0.95, client, "server_address"), legend: "{{server_address}}" }],
  });
  b.heatmap({
    title: "Dependency latency heatmap",
    description: "Outgoing HTTP calls per second by duration bucket, over every server called.",
    unit: unit(catalog, client), cellUnit: "reqps", w: 6, h: 8,
    queries: [{ expr: buckets(client), legend: "{{le}}" }],
  });

  b.row("Database");
  b.timeseries({
    title: "Database p95 by system",
    description: "95th percentile of JDBC statement duration by database system over 5 minutes, the recording rule OpspulseDatabaseLatencyHigh compares (it fires only at 0.1 statements per second or more); above the line the database is slow.",
    unit: unit(catalog, db), min: 0, w: 8, h: 8,
    thresholds: { base: "green", steps: [["db_p95", "red"]] },
    alerts: ["OpspulseDatabaseLatencyHigh"],
    queries: [{ expr: b.rec("instance_db:db_client_operation_duration_seconds:p95_rate5m", ["job", "instance", "db_system_name"]), legend: "{{instance}} {{db_system_name}}" }],
  });
  b.heatmap({
    title: "Database latency heatmap",
    description: "JDBC statements per second by duration bucket, over every operation: the slow statements the p95 hides or exaggerates.",
    unit: unit(catalog, db), cellUnit: "ops", w: 8, h: 8,
    queries: [{ expr: buckets(db), legend: "{{le}}" }],
  });
  b.timeseries({
    title: "Statements per request p95",
    description: "95th percentile of JDBC statements executed while serving one request, by route; a high tail means N+1 queries.",
    unit: unit(catalog, "opspulse_db_statements_per_request"), min: 0, w: 8, h: 8,
    queries: [{ expr: quantile(0.95, "opspulse_db_statements_per_request", "http_route"), legend: "{{http_route}}" }],
  });

  const byPool = (metric: string) => q.by(metric, "pool");
  b.row("Executors and connection pools (USE)", { collapsed: true });
  b.timeseries({
    title: "Executor queue depth",
    description: "Tasks waiting in each executor's queue: the saturation of the service's worker pools. OpspulseExecutorSaturated fires when the queue grows while the active threads are at the maximum.",
    alerts: ["OpspulseExecutorSaturated"],
    unit: unit(catalog, "opspulse_executor_queue_depth"), min: 0, w: 8, h: 8,
    queries: [{ expr: `sum ${byPool("opspulse_executor_queue_depth")} (${q.sel("opspulse_executor_queue_depth")})`, legend: "{{pool}}" }],
  });
  b.timeseries({
    title: "Executor threads: active against max",
    description: "Threads running a task, threads the executor has, and the most it may grow to, by pool; active at max means the queue grows.",
    unit: "short", min: 0, w: 8, h: 8,
    queries: [
      { expr: `sum ${byPool("opspulse_executor_active_threads")} (${q.sel("opspulse_executor_active_threads")})`, legend: "{{pool}} active" },
      { expr: `sum ${byPool("opspulse_executor_pool_threads")} (${q.sel("opspulse_executor_pool_threads")})`, legend: "{{pool}} threads" },
      { expr: `sum ${byPool("opspulse_executor_max_threads")} (${q.sel("opspulse_executor_max_threads")})`, legend: "{{pool}} max" },
    ],
  });
  b.timeseries({
    title: "Executor tasks completed and rejected",
    description: "Tasks each executor completes and rejects per second; any rejection is work the service dropped.",
    unit: "cps", min: 0, w: 8, h: 8,
    queries: [
      { expr: `sum ${byPool("opspulse_executor_completed_tasks_total")} (${q.rate(q.sel("opspulse_executor_completed_tasks_total"))})`, legend: "{{pool}} completed" },
      { expr: `sum ${byPool("opspulse_executor_rejected_tasks_total")} (${q.rate(q.sel("opspulse_executor_rejected_tasks_total"))})`, legend: "{{pool}} rejected" },
    ],
  });
  const poolName = "db_client_connection_pool_name";
  b.timeseries({
    title: "Connection pool usage",
    description: "Connections of each pool by state (idle, used) against the pool's maximum.",
    unit: unit(catalog, "db_client_connection_count"), min: 0, w: 12, h: 8,
    queries: [
      { expr: `sum ${q.by("db_client_connection_count", poolName, "db_client_connection_state")} (${q.sel("db_client_connection_count")})`, legend: "{{db_client_connection_pool_name}} {{db_client_connection_state}}" },
      { expr: `sum ${q.by("db_client_connection_max", poolName)} (${q.sel("db_client_connection_max")})`, legend: "{{db_client_connection_pool_name}} max" },
    ],
  });
  b.timeseries({
    title: "Connection pool waiters",
    description: "Callers waiting for a connection, by pool: the pool is the bottleneck when this is above zero. OpspulseConnectionPoolExhausted fires when callers wait while every connection is used.",
    alerts: ["OpspulseConnectionPoolExhausted"],
    unit: unit(catalog, "db_client_connection_pending_requests"), min: 0, w: 6, h: 8,
    queries: [{ expr: `sum ${q.by("db_client_connection_pending_requests", poolName)} (${q.sel("db_client_connection_pending_requests")})`, legend: "{{db_client_connection_pool_name}}" }],
  });
  b.timeseries({
    title: "Connection wait p95",
    description: "How long callers wait to borrow a connection, by pool (95th percentile); timeouts count their full wait.",
    unit: unit(catalog, "db_client_connection_wait_time_seconds"), min: 0, w: 6, h: 8,
    queries: [{ expr: quantile(0.95, "db_client_connection_wait_time_seconds", poolName), legend: "{{db_client_connection_pool_name}}" }],
  });

  b.row("Runtime (USE)");
  const heap = `jvm_memory_type="heap"`;
  const byInstance = (metric: string | string[]) => q.by(metric, "job", "instance");
  b.timeseries({
    title: "GC pause time ratio",
    description: "Share of wall time each instance spends in stop-the-world collections over 5 minutes, the recording rule OpspulseJvmGcTimeHigh compares: concurrent collector time (ZGC/Shenandoah cycles, G1 Concurrent) runs beside the application and is not counted. Above the line the JVM is collecting more than working.",
    unit: "percentunit", min: 0, w: 8, h: 8,
    thresholds: { base: "green", steps: [["gc_time_ratio", "red"]] },
    alerts: ["OpspulseJvmGcTimeHigh"],
    queries: [{ expr: b.rec("instance:jvm_gc_duration_seconds:ratio_rate5m", ["job", "instance"]), legend: "{{instance}}" }],
  });
  b.timeseries({
    title: "Heap after GC by pool",
    description: "Heap each pool still uses right after the last collection, as a share of that pool's limit (pools without a limit are not shown): the recording rule OpspulseJvmHeapAfterGcHigh compares. Above the line the live set fills the pool.",
    unit: "percentunit", min: 0, max: 1, w: 8, h: 8,
    thresholds: { base: "green", steps: [["heap_after_gc", "red"]] },
    alerts: ["OpspulseJvmHeapAfterGcHigh"],
    queries: [{ expr: b.rec("instance_pool:jvm_memory_used_after_last_gc_bytes:ratio_limit", ["job", "instance", "jvm_memory_pool_name"]), legend: "{{instance}} {{jvm_memory_pool_name}}" }],
  });
  b.timeseries({
    title: "Heap used by pool",
    description: "Heap used now by each memory pool.",
    unit: unit(catalog, "jvm_memory_used_bytes"), min: 0, w: 8, h: 8,
    queries: [{ expr: `sum ${q.by("jvm_memory_used_bytes", "instance", "jvm_memory_pool_name")} (${q.sel("jvm_memory_used_bytes", heap)})`, legend: "{{instance}} {{jvm_memory_pool_name}}" }],
  });
  b.timeseries({
    title: "GC collections",
    description: "Collections per second by collector and action.",
    unit: "cps", min: 0, w: 8, h: 8,
    queries: [{ expr: `sum ${q.by("jvm_gc_duration_seconds", "jvm_gc_name", "jvm_gc_action")} (${q.rate(q.hist("jvm_gc_duration_seconds", "count"))})`, legend: "{{jvm_gc_name}} {{jvm_gc_action}}" }],
  });
  b.timeseries({
    title: "CPU",
    description: "CPU time of each JVM over 5 minutes as a share of all its CPUs (the recording rule OpspulseJvmCpuHigh compares), and the JVM's own recent reading; above the line the service is hot (a reload loop pins a core here). Click a line for the JVM's CPU flame graph (the agent's profiler, at the profiler port variable).",
    unit: "percentunit", min: 0, w: 8, h: 8,
    thresholds: { base: "green", steps: [["jvm_cpu_high", "red"]] },
    alerts: ["OpspulseJvmCpuHigh"],
    dataLinks: [flameGraphLink()],
    queries: [
      { expr: withHost(b.rec("instance:jvm_cpu_time_seconds:ratio_rate5m", ["job", "instance"])), legend: "{{instance}} over 5m" },
      { expr: withHost(`max ${byInstance("jvm_cpu_recent_utilization")} (${q.sel("jvm_cpu_recent_utilization")})`), legend: "{{instance}} recent" },
    ],
  });
  b.timeseries({
    title: "Threads by state",
    description: "Platform threads by state; deadlocked threads (OpspulseJvmDeadlockedThreads above zero) are drawn separately.",
    alerts: ["OpspulseJvmDeadlockedThreads"],
    unit: unit(catalog, "jvm_thread_count"), min: 0, w: 8, h: 8,
    queries: [
      { expr: `sum ${q.by("jvm_thread_count", "jvm_thread_state")} (${q.sel("jvm_thread_count")})`, legend: "{{jvm_thread_state}}" },
      { expr: `max ${byInstance("opspulse_jvm_deadlocked_threads")} (${q.sel("opspulse_jvm_deadlocked_threads")})`, legend: "{{instance}} deadlocked" },
    ],
  });

  b.row("Restarts and dev mode");
  b.timeseries({
    title: "JVM starts within the agent's window",
    description: "Times the service's JVM started within the agent's window (from its state file), the most of any window as OpspulseJvmRestartLoop reads it; above the line the service is restart-looping.",
    unit: "short", min: 0, w: 8, h: 8,
    thresholds: { base: "green", steps: [["jvm_recent_starts", "red"]] },
    alerts: ["OpspulseJvmRestartLoop"],
    queries: [{ expr: `max ${byInstance("opspulse_jvm_recent_starts")} (${q.sel("opspulse_jvm_recent_starts")})`, legend: "{{instance}}" }],
  });
  b.timeseries({
    title: "In-process restarts",
    description: "Application restarts inside the JVM (DevTools restart class loaders), per hour: a reload loop in production (OpspulseJvmReloadLoop counts them over the last hour).",
    alerts: ["OpspulseJvmReloadLoop"],
    unit: "suffix:/h", min: 0, w: 8, h: 8,
    queries: [{ expr: `sum ${byInstance("opspulse_in_process_restarts_total")} (${q.rate(q.sel("opspulse_in_process_restarts_total"))}) * 3600`, legend: "{{instance}}" }],
  });
  b.table({
    title: "Dev mode",
    description: "Development machinery running in the process (devtools, jdwp, quarkus_dev, ...), by reason, as OpspulseJvmDevModeEnabled reads it: none of it belongs in production.",
    alerts: ["OpspulseJvmDevModeEnabled"],
    unit: "short", w: 8, h: 8,
    mappings: { "0": { text: "off", color: "green" }, "1": { text: "ON", color: "red" } },
    queries: [{ expr: `max ${q.by("opspulse_dev_mode", "job", "instance", "reason")} (${q.sel("opspulse_dev_mode")})`, instant: true }],
  });
  b.row("Process", { collapsed: true });
  b.stat({
    title: "Instances up",
    description: "Scrape targets of the selected service that answered their last scrape, out of all of them; a target that stays down raises OpspulseJvmTargetDown.",
    alerts: ["OpspulseJvmTargetDown"],
    unit: "percentunit", min: 0, max: 1, w: 6, h: 4,
    queries: [{ expr: `sum(${q.sel("up")}) / count(${q.sel("up")})`, instant: true }],
  });
  b.stat({
    title: "Open file descriptors",
    description: "File descriptors the process holds open; a leak climbs steadily.",
    unit: unit(catalog, "opspulse_jvm_open_file_descriptors"), w: 6, h: 4,
    queries: [{ expr: `max(${q.sel("opspulse_jvm_open_file_descriptors")})`, instant: true }],
  });
  b.stat({
    title: "Classes loaded",
    description: "Classes loaded now; a class count that keeps growing across reloads is a class-loader leak.",
    unit: unit(catalog, "jvm_class_count"), w: 6, h: 4,
    queries: [{ expr: `sum(${q.sel("jvm_class_count")})`, instant: true }],
  });
  b.stat({
    title: "Agent errors",
    description: "Failures inside the opspulse agent that it contained, per second; the service ran on, but some metrics may be missing.",
    unit: "cps", w: 6, h: 4,
    queries: [{ expr: `sum(${q.rate(q.sel("opspulse_agent_errors_total"))}) or vector(0)`, instant: true }],
  });
  return b;
}
