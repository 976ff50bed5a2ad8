package io.opspulse.lab;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which incident of the reports (in /work/shared/reports, quoted in the README) each alert stands
 * for, the dashboard panel that shows it, and what the lab runs to re-create it. The lab prints
 * this next to every alert Prometheus fires; the end-to-end test waits for every entry to fire;
 * lab/README.md's table is generated from it ({@link LabReadme}).
 */
public final class Incidents {
  /**
   * The incident behind one alert: what happened in the report, the dashboard panel that shows it
   * (the dashboard's title after "opspulse / ", and the panel's title), and how the lab makes it
   * happen.
   */
  public record Incident(
      String alert,
      String incident,
      String report,
      String dashboard,
      String panel,
      String recreatedBy) {}

  private static final Map<String, Incident> BY_ALERT = new LinkedHashMap<>();

  private static void add(
      String alert,
      String incident,
      String report,
      String dashboard,
      String panel,
      String recreatedBy) {
    BY_ALERT.put(alert, new Incident(alert, incident, report, dashboard, panel, recreatedBy));
  }

  static {
    // Report 000: sprawl, anonymous MCP containers, a deprecated one, the backend's reload loop at
    // 100% CPU.
    add(
        "OpspulseContainersOverDeclared",
        "37 containers running where 23 are declared",
        "000",
        "Fleet overview",
        "Running beyond declared",
        "orphan, 9 auto-named MCP containers and postgres-mcp beside the compose project");
    add(
        "OpspulseUnexpectedContainerRunning",
        "orphaned, unnamed and deprecated MCP containers",
        "000",
        "Fleet overview",
        "Containers nobody declared",
        "anonymous mcp/* containers, postgres-mcp-485297-1755469768, the orphan legacy-worker");
    add(
        "OpspulseExitedContainersPilingUp",
        "exited containers not cleaned up",
        "000",
        "Containers",
        "Exited containers by age",
        "11 exited mcp/* and puppeteer-mcp containers left behind");
    add(
        "OpspulseContainerCpuNearLimit",
        "backend at 100.6% CPU in a reload loop",
        "000",
        "Containers",
        "CPU against limit",
        "sutazai backend spinning at its CPU limit");
    add(
        "OpspulseJvmDevModeEnabled",
        "development mode (--reload) in production",
        "000",
        "JVM service",
        "Dev mode",
        "demo service under a JDWP debug agent with a DevTools restart loader (simulated)");
    add(
        "OpspulseJvmReloadLoop",
        "file-watch reload loop restarting the app",
        "000",
        "JVM service",
        "In-process restarts",
        "demo service reloading its application every few seconds (DevTools stand-in)");
    add(
        "OpspulseHttpServiceUnavailable",
        "MCP API endpoints returning 503",
        "000",
        "JVM service",
        "503 ratio by route",
        "demo /api/orders answers 503 when its dependency fails");
    add(
        "OpspulseHttp5xxRatioHigh",
        "API errors from failed imports and fallbacks",
        "000",
        "JVM service",
        "5xx ratio by instance",
        "demo service: 5xx from /api/orders above 5% of all responses");
    // Report 001: restarts, unhealthy containers, short health-check timeouts, limits past the
    // host.
    add(
        "OpspulseContainerUnhealthy",
        "76% of containers unhealthy",
        "001",
        "Containers",
        "Health status",
        "sutazai api and text-analysis-agent failing their health checks");
    add(
        "OpspulseFleetHealthDegraded",
        "container health rate 24%",
        "001",
        "Fleet overview",
        "Health-check ratio",
        "2 of 4 health-checked containers healthy: the warning and the critical grade fire");
    add(
        "OpspulseHealthcheckTimeoutTooShort",
        "short health-check timeouts causing premature restarts",
        "001",
        "Containers",
        "Health-check timeouts",
        "text-analysis-agent's health check times out after 0.5s");
    add(
        "OpspulseHostCpuOvercommitted",
        "CPU over-allocated 238% (40.5 cores needed, 12 available)",
        "001",
        "Fleet overview",
        "Container limits against host capacity",
        "ollama, qdrant, chromadb each limited to every CPU of the host");
    add(
        "OpspulseHostMemoryOvercommitted",
        "18.3GB memory shortfall, 63% over capacity",
        "001",
        "Fleet overview",
        "Container limits against host capacity",
        "ollama, qdrant, chromadb each limited to most of the host's memory");
    add(
        "OpspulseContainerOomKilled",
        "memory shortage: processes killed at their limit",
        "001",
        "Containers",
        "OOM kills",
        "model-loader allocating past its 16 MiB limit, restarted each time");
    add(
        "OpspulseContainerMemoryNearLimit",
        "memory pressure",
        "001",
        "Containers",
        "Memory against limit",
        "vector-db holding 30 of its 32 MiB");
    // Report 002: idle GPUs holding model memory.
    add(
        "OpspulseGpuIdleWithMemoryAllocated",
        "GPUs at 0.0% with 9 models loaded",
        "002",
        "GPUs",
        "Idle but allocated: utilisation of GPUs holding memory",
        "simulated GPUs (NVML stand-in) at 0% holding ollama's memory");
    add(
        "OpspulseGpuUnderutilized",
        "GPU utilisation 0.0% (target > 15%)",
        "002",
        "GPUs",
        "GPU utilisation",
        "simulated GPUs (NVML stand-in) at 0%");
    // Report 003: exit 127 restart loops, infrastructure never started, dependency failures,
    // restarts.
    add(
        "OpspulseHostZombieProcesses",
        "zombie processes: 6 (concerning)",
        "003",
        "Host",
        "Processes and zombies",
        "a parent process (sh exec'd into sleep) that never reaps its 8 exited children, on the lab's host");
    add(
        "OpspulseContainerCommandNotFound",
        "60+ agents exiting with code 127",
        "003",
        "Containers",
        "Exit rate by container and reason",
        "agent services running `pip install ... && python /app/main.py` in an image without pip");
    add(
        "OpspulseContainerCrashLooping",
        "agents restarting in a loop (46% restarting)",
        "003",
        "Containers",
        "Restart rate by container",
        "agent containers with restart: always exiting 127");
    add(
        "OpspulseComposeServiceCrashLooping",
        "agent services failing on every re-creation",
        "003",
        "Containers",
        "Failed exits by compose service, last hour",
        "compose services ai-agent-orchestrator, system-architect, deployment-automation-master");
    add(
        "OpspulseComposeServiceDown",
        "consul, kong, rabbitmq defined but never started",
        "003",
        "Fleet overview",
        "Services missing replicas",
        "consul, kong, rabbitmq declared in the compose file and never started");
    add(
        "OpspulseJvmRestartLoop",
        "backend restarted 20+ times",
        "003",
        "JVM service",
        "JVM starts within the agent's window",
        "demo service crashing at start 3 times before it comes up");
    add(
        "OpspulseDependencyFailureRatioHigh",
        "dependency chain failures",
        "003",
        "JVM service",
        "Dependency failure ratio",
        "demo service's inventory dependency failing 30% of calls");
    // Report 004: threading, pools, database latency.
    add(
        "OpspulseExecutorSaturated",
        "no queue depth tracking; saturated thread pools",
        "004",
        "JVM service",
        "Executor queue depth",
        "demo report-worker pool: 2 threads, queue growing");
    add(
        "OpspulseConnectionPoolExhausted",
        "database connection pooling missing or exhausted",
        "004",
        "JVM service",
        "Connection pool waiters",
        "demo HikariCP pool of 2 with callers waiting");
    add(
        "OpspulseDatabaseLatencyHigh",
        "database p95 above 100ms",
        "004",
        "JVM service",
        "Database p95 by system",
        "demo /api/search running a 150ms query");
    add(
        "OpspulseHttpLatencyHigh",
        "latency p95/p99 targets missed",
        "004",
        "JVM service",
        "Latency p95 by route",
        "demo /api/search waiting for the exhausted pool");
  }

  private Incidents() {}

  /** Every alert the lab re-creates, in report order. */
  public static Map<String, Incident> all() {
    return java.util.Collections.unmodifiableMap(BY_ALERT);
  }

  /**
   * Alerts that need the lab's containers (absent when the lab watches a Docker engine of the
   * user's).
   */
  public static boolean needsLabContainers(String alert) {
    return !alert.startsWith("OpspulseJvm")
        && !alert.startsWith("OpspulseHttp")
        && !alert.startsWith("OpspulseGpu")
        && !alert.equals("OpspulseHostZombieProcesses")
        && !Set.of(
                "OpspulseDependencyFailureRatioHigh",
                "OpspulseExecutorSaturated",
                "OpspulseConnectionPoolExhausted",
                "OpspulseDatabaseLatencyHigh")
            .contains(alert);
  }

  public static Optional<Incident> of(String alert) {
    return Optional.ofNullable(BY_ALERT.get(alert));
  }
}
