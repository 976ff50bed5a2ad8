// Containers: per container and per compose service, the resources and the lifecycle — CPU and
// memory against their limits, restarts and exits by reason, health and failing streaks, PIDs —
// and the exited containers nobody cleaned up, oldest first. One row per concern (USE for CPU and
// memory); panels that show what an alert watches query its recording rule and link to its runbook.
import { Catalog } from "./catalog";
import { Board, unit } from "./board";
import { Rules } from "./rules";

export function containers(catalog: Catalog, rules: Rules): Board {
  const b = new Board(catalog, rules, "opspulse-containers",
    "Per container and per compose service: CPU and memory against limits, restarts, exits by reason, health, PIDs, and the exited containers left behind.",
    ["docker", "containers"],
    { job: "job", instance: "instance", compose_project: "compose_project", compose_service: "compose_service", name: "container" });
  const q = b.q;
  const cpu = "docker_container_cpu_usage_seconds_total";
  const mem = "docker_container_memory_usage_bytes";
  const byName = (metric: string | string[]) => q.by(metric, "instance", "name");
  // The per-container recording rules keep every label of the container's series.
  const containerLabels = ["job", "instance", "name", "compose_project", "compose_service"];

  b.variable("job", "job", "docker_container_info", {}, "Exporter job")
    .variable("instance", "instance", "docker_container_info", { job: "job" }, "Docker host")
    .variable("compose_project", "compose_project", "docker_container_info", { job: "job", instance: "instance" }, "Compose project")
    .variable("compose_service", "compose_service", "docker_container_info",
      { job: "job", instance: "instance", compose_project: "compose_project" }, "Compose service")
    .variable("container", "name", "docker_container_info",
      { job: "job", instance: "instance", compose_project: "compose_project", compose_service: "compose_service" }, "Container");

  b.row("CPU and memory (USE)");
  b.timeseries({
    title: "CPU by container",
    description: "CPU time each container's cgroup uses, in cores as docker stats shows them (100% = one core).",
    unit: "percentunit", min: 0, w: 12, h: 8,
    queries: [{ expr: `sum ${byName(cpu)} (${q.rate(q.sel(cpu))})`, legend: "{{name}}" }],
  });
  b.timeseries({
    title: "CPU against limit",
    description: "CPU use over 5 minutes as a share of the container's CPU limit, or of one core when it has none: the recording rule OpspulseContainerCpuNearLimit compares. Above the line the container is hot.",
    unit: "percentunit", min: 0, w: 12, h: 8,
    thresholds: { base: "green", steps: [["cpu_near_limit", "red"]] },
    alerts: ["OpspulseContainerCpuNearLimit"],
    queries: [{ expr: b.rec("container:docker_container_cpu_usage_seconds:ratio_limit", containerLabels), legend: "{{name}}" }],
  });

  b.newLine().timeseries({
    title: "Memory by container",
    description: "Memory each container's cgroup uses, with its limit where it has one.",
    unit: unit(catalog, mem), min: 0, w: 12, h: 8,
    queries: [
      { expr: `sum ${byName(mem)} (${q.sel(mem)})`, legend: "{{name}}" },
      { expr: `sum ${byName("docker_container_memory_limit_bytes")} (${q.sel("docker_container_memory_limit_bytes")})`, legend: "{{name}} limit" },
    ],
  }, (p) => p.overrideByRegexp(".* limit$", [{ id: "custom.lineStyle", value: { fill: "dash", dash: [10, 10] } }, { id: "custom.fillOpacity", value: 0 }]));
  b.timeseries({
    title: "Memory against limit",
    description: "Memory use as a share of the container's memory limit (containers without a limit are not shown): the recording rule OpspulseContainerMemoryNearLimit compares. Above the line the OOM killer is close.",
    unit: "percentunit", min: 0, w: 12, h: 8,
    thresholds: { base: "green", steps: [["memory_near_limit", "red"]] },
    alerts: ["OpspulseContainerMemoryNearLimit"],
    queries: [{ expr: b.rec("container:docker_container_memory_usage_bytes:ratio_limit", containerLabels), legend: "{{name}}" }],
  });

  b.row("Restarts and exits");
  b.timeseries({
    title: "Restart rate by container",
    description: "Restarts by the container's restart policy, as a rate per hour; above the line the container is crash-looping (OpspulseContainerCrashLooping counts the restarts of the last hour).",
    alerts: ["OpspulseContainerCrashLooping"],
    unit: "suffix:/h", min: 0, w: 12, h: 8,
    thresholds: { base: "green", steps: [["restarts_per_hour", "red"]] },
    queries: [{
      expr: `sum ${byName("docker_container_restarts_total")} (${q.rate(q.sel("docker_container_restarts_total"))}) * 3600`,
      legend: "{{name}}",
    }],
  });
  b.timeseries({
    title: "Failed exits by compose service, last hour",
    description: "Exits of each compose service's containers in the last hour that were failures (every reason but completed and terminated): the recording rule OpspulseComposeServiceCrashLooping compares. Counted per service, so a service whose containers are re-created with new ids still shows its crash loop.",
    unit: "suffix:/h", min: 0, w: 12, h: 8,
    thresholds: { base: "green", steps: [["restarts_per_hour", "red"]] },
    alerts: ["OpspulseComposeServiceCrashLooping"],
    queries: [{
      expr: b.rec("compose_service:compose_service_failed_exits:increase1h", ["job", "instance", "compose_project", "compose_service"]),
      legend: "{{compose_project}} {{compose_service}}",
    }],
  });
  b.newLine().timeseries({
    title: "Exit rate by container and reason",
    description: "Exits of each container per hour by reason: command_not_found (127), not_executable (126), oom_killed, segfault, error, ... (a last exit of command_not_found or not_executable raises OpspulseContainerCommandNotFound).",
    alerts: ["OpspulseContainerCommandNotFound"],
    unit: "suffix:/h", min: 0, w: 12, h: 8,
    queries: [{
      expr: `sum ${q.by("docker_container_exits_total", "instance", "name", "reason")} (${q.rate(q.sel("docker_container_exits_total"))}) * 3600`,
      legend: "{{name}} {{reason}}",
    }],
  });
  b.timeseries({
    title: "OOM kills",
    description: "Times the kernel's OOM killer killed a process of the container, per hour; any kill raises OpspulseContainerOomKilled.",
    alerts: ["OpspulseContainerOomKilled"],
    unit: "suffix:/h", min: 0, w: 12, h: 8,
    queries: [{
      expr: `sum ${byName("docker_container_oom_kills_total")} (${q.rate(q.sel("docker_container_oom_kills_total"))}) * 3600`,
      legend: "{{name}}",
    }],
  });

  b.row("Health");
  b.stateTimeline({
    title: "Health status",
    description: "The health check's status of each container that has one: starting, healthy or unhealthy (OpspulseContainerUnhealthy after 5 minutes unhealthy).",
    alerts: ["OpspulseContainerUnhealthy"],
    unit: "none", w: 12, h: 8,
    mappings: { "0": { text: "starting", color: "blue" }, "1": { text: "healthy", color: "green" }, "2": { text: "unhealthy", color: "red" } },
    queries: [{
      // One number per container: 0 starting, 1 healthy, 2 unhealthy.
      expr: `max ${byName("docker_container_health_status")} (${q.sel("docker_container_health_status", `status="${catalog.labelValue("healthStatus", "healthy")}"`)}) `
        + `+ 2 * max ${byName("docker_container_health_status")} (${q.sel("docker_container_health_status", `status="${catalog.labelValue("healthStatus", "unhealthy")}"`)})`,
      legend: "{{name}}",
    }],
  });
  b.timeseries({
    title: "Health-check failing streak",
    description: "Consecutive failed health checks of each container; a growing streak comes before the container turns unhealthy.",
    unit: "short", min: 0, w: 12, h: 8,
    queries: [{
      expr: `max ${byName("docker_container_health_failing_streak")} (${q.sel("docker_container_health_failing_streak")})`,
      legend: "{{name}}",
    }],
  });
  b.newLine().table({
    title: "Health-check timeouts",
    description: "The configured health-check timeout of each container; timeouts under the floor flap under load and restart healthy services (OpspulseHealthcheckTimeoutTooShort).",
    alerts: ["OpspulseHealthcheckTimeoutTooShort"],
    unit: "s", w: 12, h: 8,
    thresholds: { base: "red", steps: [["healthcheck_timeout_floor", "green"]] },
    queries: [
      { expr: `min ${q.by("docker_container_healthcheck_timeout_seconds", "instance", "name", "compose_service")} (${q.sel("docker_container_healthcheck_timeout_seconds")})`, instant: true },
    ],
  }, { field: "Value", desc: false });
  b.row("Processes and leftovers", { collapsed: true });
  b.timeseries({
    title: "PIDs by container",
    description: "Processes and threads in each container's cgroup; a reload loop that leaks processes climbs here.",
    unit: "short", min: 0, w: 12, h: 8,
    queries: [{ expr: `sum ${byName("docker_container_pids")} (${q.sel("docker_container_pids")})`, legend: "{{name}}" }],
  });

  b.table({
    title: "Exited containers by age",
    description: "Containers in the exited state and how long ago they exited, oldest first: one-off runs and failed services nobody removed (more than the threshold raise OpspulseExitedContainersPilingUp).",
    alerts: ["OpspulseExitedContainersPilingUp"],
    unit: "s", w: 12, h: 8,
    queries: [{
      expr: `time() - max ${q.by("docker_container_finished_time_seconds", "instance", "name", "compose_project", "compose_service")} (${q.sel("docker_container_finished_time_seconds")}) `
        + `and ${q.on(["docker_container_finished_time_seconds", "docker_container_state"], "instance", "name")} `
        + `(${q.sel("docker_container_state", `state="${catalog.labelValue("containerState", "exited")}"`)} == 1)`,
      instant: true,
    }],
  }, { field: "Value", desc: true });
  return b;
}
