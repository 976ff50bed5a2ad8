package io.opspulse.catalog;

import java.util.List;

/**
 * The default thresholds, one table for the alert rules and the dashboards. The numbers come from
 * the incident reports (CPU over 80% for 5 minutes, restarts over 3 an hour, health under 90%/80%,
 * GPU under 15%, API p95 over 200 ms, database p95 over 100 ms, ...); operators override them in
 * the rules build.
 */
public final class Thresholds {
  private Thresholds() {}

  public static final Threshold CONTAINERS_OVER_DECLARED =
      new Threshold(
          "containers_over_declared",
          0,
          Unit.NONE,
          "10m",
          "Running containers beyond those the compose files declare.");
  public static final Threshold EXITED_CONTAINERS =
      new Threshold(
          "exited_containers",
          10,
          Unit.NONE,
          "1h",
          "Exited containers left on the host before they count as piling up.");
  public static final Threshold RESTARTS_PER_HOUR =
      new Threshold(
          "restarts_per_hour",
          3,
          Unit.NONE,
          "5m",
          "Restarts in an hour above which a container or service is crash-looping.");
  public static final Threshold MEMORY_NEAR_LIMIT =
      new Threshold(
          "memory_near_limit",
          0.9,
          Unit.RATIO,
          "5m",
          "Share of its memory limit a container may use before it is near the limit.");
  public static final Threshold CPU_NEAR_LIMIT =
      new Threshold(
          "cpu_near_limit",
          0.8,
          Unit.RATIO,
          "5m",
          "Share of its CPU limit (or one core when unlimited) a container may use before it is hot.");
  public static final Threshold HEALTH_RATIO_WARNING =
      new Threshold(
          "health_ratio_warning",
          0.9,
          Unit.RATIO,
          "5m",
          "Share of health-checked containers that must be healthy (warning below).");
  public static final Threshold HEALTH_RATIO_CRITICAL =
      new Threshold(
          "health_ratio_critical",
          0.8,
          Unit.RATIO,
          "5m",
          "Share of health-checked containers that must be healthy (critical below).");
  public static final Threshold HEALTHCHECK_TIMEOUT_FLOOR =
      new Threshold(
          "healthcheck_timeout_floor",
          2,
          Unit.SECONDS,
          "15m",
          "The shortest sane health-check timeout; shorter ones flap under load.");
  public static final Threshold LIMITS_OVERCOMMIT =
      new Threshold(
          "limits_overcommit",
          1.0,
          Unit.RATIO,
          "15m",
          "Sum of container limits over host capacity above which the host is overcommitted.");
  public static final Threshold GPU_IDLE_UTILIZATION =
      new Threshold(
          "gpu_idle_utilization",
          0.01,
          Unit.RATIO,
          "30m",
          "GPU utilisation under which a GPU holding memory counts as idle.");
  public static final Threshold GPU_IDLE_MEMORY =
      new Threshold(
          "gpu_idle_memory",
          0.1,
          Unit.RATIO,
          "30m",
          "Share of a GPU's memory allocated above which an idle GPU is holding memory for nothing.");
  public static final Threshold GPU_LOW_UTILIZATION =
      new Threshold(
          "gpu_low_utilization",
          0.15,
          Unit.RATIO,
          "1h",
          "GPU utilisation under which a GPU is underused.");
  public static final Threshold JVM_CPU_HIGH =
      new Threshold(
          "jvm_cpu_high",
          0.8,
          Unit.RATIO,
          "5m",
          "Share of the host's CPUs a JVM service may use before it is hot.");
  public static final Threshold HTTP_P95 =
      new Threshold(
          "http_p95",
          0.2,
          Unit.SECONDS,
          "10m",
          "p95 HTTP server latency above which an API is slow.");
  public static final Threshold HTTP_5XX_RATIO =
      new Threshold(
          "http_5xx_ratio",
          0.05,
          Unit.RATIO,
          "5m",
          "Share of HTTP server responses that may be 5xx.");
  public static final Threshold HTTP_503_RATIO =
      new Threshold(
          "http_503_ratio",
          0.01,
          Unit.RATIO,
          "5m",
          "Share of one route's responses that may be 503 (the route says a dependency is unavailable).");
  public static final Threshold DEPENDENCY_FAILURE_RATIO =
      new Threshold(
          "dependency_failure_ratio",
          0.1,
          Unit.RATIO,
          "5m",
          "Share of calls to one dependency that may fail.");
  public static final Threshold DB_P95 =
      new Threshold(
          "db_p95",
          0.1,
          Unit.SECONDS,
          "10m",
          "p95 database operation latency above which the database is slow.");
  public static final Threshold GC_TIME_RATIO =
      new Threshold(
          "gc_time_ratio",
          0.1,
          Unit.RATIO,
          "10m",
          "Share of wall time a JVM may spend in garbage collection.");
  public static final Threshold HEAP_AFTER_GC =
      new Threshold(
          "heap_after_gc",
          0.9,
          Unit.RATIO,
          "10m",
          "Share of the heap still used right after a collection.");
  public static final Threshold JVM_RECENT_STARTS =
      new Threshold(
          "jvm_recent_starts",
          3,
          Unit.NONE,
          "0s",
          "JVM starts within the agent's window above which a service is restart-looping.");

  // Minimum traffic: below it, a ratio or a p95 is a handful of requests and says nothing (one 5xx
  // out
  // of two requests is 50%). 0.1/s over the 5m window is 30 requests.
  public static final Threshold MIN_REQUEST_RATE =
      new Threshold(
          "min_request_rate",
          0.1,
          Unit.NONE,
          "5m",
          "Requests (calls, database operations) per second over 5m a route, service, dependency or database needs"
              + " before its error ratio or p95 may alert.");
  public static final Threshold HEALTH_MIN_CONTAINERS =
      new Threshold(
          "health_min_containers",
          4,
          Unit.NONE,
          "5m",
          "Health-checked containers a host needs before its health ratio may alert (below, the per-container alert"
              + " speaks).");

  // The host, from node_exporter (report 003: load 15-27 on 12 cores, 382 processes, 6 zombies).
  public static final Threshold HOST_LOAD_PER_CORE =
      new Threshold(
          "host_load_per_core",
          1.0,
          Unit.NONE,
          "15m",
          "5-minute load average per CPU above which the host's run queue is longer than its CPUs.");
  public static final Threshold HOST_CPU_BUSY =
      new Threshold(
          "host_cpu_busy",
          0.9,
          Unit.RATIO,
          "15m",
          "Share of the host's CPU time busy (not idle, not iowait) above which it is saturated.");
  public static final Threshold HOST_MEMORY_AVAILABLE_WARNING =
      new Threshold(
          "host_memory_available_warning",
          0.1,
          Unit.RATIO,
          "5m",
          "Share of the host's memory available (MemAvailable) below which it warns.");
  public static final Threshold HOST_MEMORY_AVAILABLE_CRITICAL =
      new Threshold(
          "host_memory_available_critical",
          0.05,
          Unit.RATIO,
          "5m",
          "Share of the host's memory available below which it pages.");
  public static final Threshold HOST_CPU_PRESSURE =
      new Threshold(
          "host_cpu_pressure",
          0.5,
          Unit.RATIO,
          "15m",
          "Share of time some task waited for a CPU (PSI) above which the host is CPU-starved.");
  public static final Threshold HOST_MEMORY_PRESSURE =
      new Threshold(
          "host_memory_pressure",
          0.1,
          Unit.RATIO,
          "15m",
          "Share of time some task stalled on memory (PSI) above which the host is reclaiming hard.");
  public static final Threshold HOST_IO_PRESSURE =
      new Threshold(
          "host_io_pressure",
          0.5,
          Unit.RATIO,
          "15m",
          "Share of time some task stalled on I/O (PSI) above which the host is I/O-bound.");
  public static final Threshold HOST_PROCESSES_PER_CORE =
      new Threshold(
          "host_processes_per_core",
          25,
          Unit.NONE,
          "15m",
          "Processes per CPU above which a host is spawning more than it can run (report 003: 382 on 12).");
  public static final Threshold HOST_ZOMBIES =
      new Threshold(
          "host_zombies",
          5,
          Unit.NONE,
          "15m",
          "Zombie processes above which a parent on the host is not reaping its children.");
  public static final Threshold EXPORTER_TASK_FAILURES =
      new Threshold(
          "exporter_task_failures",
          3,
          Unit.NONE,
          "15m",
          "Failures of one exporter task in 10 minutes, kept up for the pending period, above which the task"
              + " is failing rather than hit once (each failure is carried on and counted).");

  public static final List<Threshold> ALL =
      List.of(
          CONTAINERS_OVER_DECLARED,
          EXITED_CONTAINERS,
          RESTARTS_PER_HOUR,
          MEMORY_NEAR_LIMIT,
          CPU_NEAR_LIMIT,
          HEALTH_RATIO_WARNING,
          HEALTH_RATIO_CRITICAL,
          HEALTHCHECK_TIMEOUT_FLOOR,
          LIMITS_OVERCOMMIT,
          GPU_IDLE_UTILIZATION,
          GPU_IDLE_MEMORY,
          GPU_LOW_UTILIZATION,
          JVM_CPU_HIGH,
          HTTP_P95,
          HTTP_5XX_RATIO,
          HTTP_503_RATIO,
          DEPENDENCY_FAILURE_RATIO,
          DB_P95,
          GC_TIME_RATIO,
          HEAP_AFTER_GC,
          JVM_RECENT_STARTS,
          MIN_REQUEST_RATE,
          HEALTH_MIN_CONTAINERS,
          HOST_LOAD_PER_CORE,
          HOST_CPU_BUSY,
          HOST_MEMORY_AVAILABLE_WARNING,
          HOST_MEMORY_AVAILABLE_CRITICAL,
          HOST_CPU_PRESSURE,
          HOST_MEMORY_PRESSURE,
          HOST_IO_PRESSURE,
          HOST_PROCESSES_PER_CORE,
          HOST_ZOMBIES,
          EXPORTER_TASK_FAILURES);
}
