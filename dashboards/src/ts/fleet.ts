// Fleet overview: one screen answering "is this Docker host healthy?" — the questions of the
// incident reports: 37 running where 23 are declared (orphans, anonymous and deprecated containers),
// services that never came up, crash loops with their exit reasons, the health-check ratio, and
// container limits that promise more than the host has. One row each: state, sprawl, restarts and
// exits, health, limits, and the exporter's own errors. Panels that show what an alert watches
// compute what it computes (its recording rule where it has one) and link to its runbook.
import { Catalog } from "./catalog";
import { Board, flameGraphLink, withHost } from "./board";
import { Rules } from "./rules";

export function fleet(catalog: Catalog, rules: Rules): Board {
  const b = new Board(catalog, rules, "opspulse-fleet",
    "Is the Docker host healthy: running against declared containers, containers nobody declared, crash loops, health, firing alerts and limits against capacity.",
    ["docker", "fleet"], { job: "job", instance: "instance" });
  const q = b.q;
  const containers = "docker_containers";
  const running = q.sel(containers, `state="${catalog.labelValue("containerState", "running")}"`);
  const runningNow = b.rec("instance:docker_containers_running:sum", ["job", "instance"]);
  const declared = b.rec("instance:compose_service_desired_replicas:sum", ["job", "instance"]);
  const hostBy = q.by("docker_host_cpus", "job", "instance");

  b.variable("job", "job", "docker_up", {}, "Exporter job")
    .variable("instance", "instance", "docker_up", { job: "job" }, "Docker host");
  b.profilerPortVariable();

  b.row("State");
  b.stat({
    title: "Docker engine reachable",
    description: "Whether the exporter reaches the Docker engine on each host (docker_up, OpspulseDockerEngineUnreachable at 0). DOWN means every other panel is stale; an exporter that does not answer at all raises OpspulseExporterDown.",
    alerts: ["OpspulseDockerEngineUnreachable", "OpspulseExporterDown"],
    unit: "short", w: 4, h: 4,
    mappings: { "0": { text: "DOWN", color: "red" }, "1": { text: "UP", color: "green" } },
    queries: [{ expr: `min(${q.sel("docker_up")})`, instant: true }],
  });
  b.stat({
    title: "Running containers",
    description: "Containers running now, whatever started them (the recording rule OpspulseContainersOverDeclared compares with the declared replicas).",
    alerts: ["OpspulseContainersOverDeclared"],
    unit: "short", w: 4, h: 4,
    queries: [{ expr: `sum(${runningNow})`, instant: true }],
  });
  b.stat({
    title: "Declared replicas",
    description: "Replicas the compose files declare for services whose profile is active: what should be running (the recording rule OpspulseContainersOverDeclared compares with the running containers).",
    alerts: ["OpspulseContainersOverDeclared"],
    unit: "short", w: 4, h: 4,
    queries: [{ expr: `sum(${declared})`, instant: true }],
  });
  b.stat({
    title: "Running beyond declared",
    description: "Running containers minus the replicas the compose files declare, per host, as OpspulseContainersOverDeclared computes it (orphans, anonymous, one-off, deprecated and unmanaged containers, less declared replicas that are missing). Green only at zero or below.",
    unit: "short", w: 4, h: 4,
    thresholds: { base: "green", steps: [["containers_over_declared", "red"]] },
    mappings: { "0": { text: "0", color: "green" } },
    alerts: ["OpspulseContainersOverDeclared"],
    queries: [{ expr: `${runningNow} - on (job, instance) ${declared}`, legend: "{{instance}}", instant: true }],
  });
  b.stat({
    title: "Firing alerts",
    description: "Alerts Prometheus is firing now (the ALERTS series), from every rule group it loads.",
    unit: "short", w: 8, h: 4,
    mappings: { "0": { text: "none", color: "green" } },
    queries: [{ expr: `count(${alertsFiring(catalog)}) or vector(0)`, instant: true }],
  });

  b.row("Sprawl");
  b.timeseries({
    title: "Running containers by origin against declared",
    description: "Running containers by origin (declared, orphan, oneoff, anonymous, unmanaged, deprecated), with the replicas the compose files declare as a line: the gap is the sprawl OpspulseContainersOverDeclared alerts on.",
    alerts: ["OpspulseContainersOverDeclared"],
    unit: "short", min: 0, w: 12, h: 8,
    queries: [
      { expr: `sum ${q.by(containers, "origin")} (${running})`, legend: "{{origin}}" },
      { expr: `sum(${declared})`, legend: "declared replicas" },
    ],
  });
  b.table({
    title: "Containers nobody declared",
    description: "Running containers whose origin is not a compose declaration: orphans of removed services, anonymous containers, one-off runs and services marked deprecated (orphans, anonymous and deprecated ones raise OpspulseUnexpectedContainerRunning).",
    alerts: ["OpspulseUnexpectedContainerRunning"],
    unit: "short", w: 12, h: 8,
    queries: [{
      expr: `max ${q.by("docker_container_info", "instance", "name", "image", "origin", "compose_project", "compose_service")} (${q.sel("docker_container_info", `origin!="declared"`)}) `
        + `and ${q.on(["docker_container_info", "docker_container_state"], "instance", "name")} (${q.sel("docker_container_state", `state="running"`)} == 1)`,
      instant: true,
    }],
  });

  b.newLine().table({
    title: "Services missing replicas",
    description: "Compose services with fewer running containers than declared (declared minus running); a service declared but never deployed shows its full replica count, and one with none running raises OpspulseComposeServiceDown.",
    alerts: ["OpspulseComposeServiceDown"],
    unit: "short", w: 12, h: 8,
    thresholds: { base: "green", steps: [["containers_over_declared", "red"]] },
    mappings: { "0": { text: "0", color: "green" } },
    queries: [{
      expr: `sum ${q.by("compose_service_desired_replicas", "instance", "compose_project", "compose_service")} (${q.sel("compose_service_desired_replicas")}) `
        + `- sum ${q.by("compose_service_running_replicas", "instance", "compose_project", "compose_service")} (${q.sel("compose_service_running_replicas")})`,
      instant: true,
    }],
  }, { field: "Value", desc: true });
  b.bargauge({
    title: "Containers by state",
    description: "All containers on the host by Docker state; exited containers piling up (OpspulseExitedContainersPilingUp) mean nobody cleans up one-off and failed runs.",
    alerts: ["OpspulseExitedContainersPilingUp"],
    unit: "short", min: 0, w: 12, h: 8,
    thresholds: { base: "green", steps: [["exited_containers", "orange"]] },
    queries: [{ expr: `sum ${q.by(containers, "state")} (${q.sel(containers)})`, legend: "{{state}}", instant: true }],
  });

  b.row("Restarts and exits");
  b.timeseries({
    title: "Restart rate by container (top 10)",
    description: "Restarts by restart policy, as a rate per hour; a container above the line is crash-looping (OpspulseContainerCrashLooping counts the restarts of the last hour).",
    alerts: ["OpspulseContainerCrashLooping"],
    unit: "suffix:/h", min: 0, w: 12, h: 8,
    thresholds: { base: "green", steps: [["restarts_per_hour", "red"]] },
    queries: [{
      expr: `topk(10, sum ${q.by("docker_container_restarts_total", "instance", "name")} (${q.rate(q.sel("docker_container_restarts_total"))}) * 3600)`,
      legend: "{{name}}",
    }],
  });
  b.table({
    title: "Last exit by container",
    description: "Each container that has exited at least once: its last exit reason (command_not_found for 127, oom_killed, ...) and, as the value, its last exit code. command_not_found and not_executable raise OpspulseContainerCommandNotFound.",
    alerts: ["OpspulseContainerCommandNotFound"],
    unit: "none", w: 12, h: 8,
    queries: [{
      expr: `max ${q.by("docker_container_last_exit_reason", "instance", "name", "compose_service", "reason")} (${q.sel("docker_container_last_exit_reason")} == 1) `
        + `* ${q.on(["docker_container_last_exit_reason", "docker_container_last_exit_code"], "instance", "name", "compose_service")} group_left `
        + `max ${q.by("docker_container_last_exit_code", "instance", "name", "compose_service")} (${q.sel("docker_container_last_exit_code")})`,
      instant: true,
    }],
  });
  b.newLine().timeseries({
    title: "Exits by reason",
    description: "Container exits on the host by reason, per hour: completed, error, not_executable, command_not_found, oom_killed, killed, segfault, terminated.",
    unit: "suffix:/h", min: 0, w: 24, h: 8,
    alerts: ["OpspulseContainerOomKilled", "OpspulseComposeServiceCrashLooping"],
    queries: [{
      expr: `sum ${q.by("docker_container_exits_total", "reason")} (${q.rate(q.sel("docker_container_exits_total"))}) * 3600`,
      legend: "{{reason}}",
    }],
  });
  b.row("Health");
  b.stat({
    title: "Health-check ratio",
    description: "Share of containers with a health check that are healthy, per host: healthy over healthy plus unhealthy, so a container still starting counts neither way. This is the recording rule OpspulseFleetHealthDegraded compares (warning and critical grades, and only on hosts with at least 4 health-checked containers).",
    unit: "percentunit", min: 0, max: 1, w: 6, h: 8,
    thresholds: { base: "red", steps: [["health_ratio_critical", "orange"], ["health_ratio_warning", "green"]] },
    alerts: ["OpspulseFleetHealthDegraded"],
    queries: [{ expr: b.rec("instance:docker_container_health:ratio", ["job", "instance"]), legend: "{{instance}}", instant: true }],
  });
  b.timeseries({
    title: "Health-checked containers by status",
    description: "Containers with a health check by status (starting, healthy, unhealthy); an unhealthy one raises OpspulseContainerUnhealthy.",
    unit: "short", min: 0, w: 6, h: 8,
    alerts: ["OpspulseContainerUnhealthy"],
    queries: [{ expr: `sum ${q.by("docker_container_health_status", "status")} (${q.sel("docker_container_health_status")} == 1)`, legend: "{{status}}" }],
  });
  b.table({
    title: "Alerts pending and firing",
    description: "Every alert Prometheus holds now (the ALERTS series) by name, severity and state.",
    unit: "short", w: 12, h: 8,
    queries: [{ expr: `sum ${q.by("ALERTS", "alertname", "severity", "alertstate")} (${catalog.metric("ALERTS").name})`, instant: true }],
  });

  b.row("Limits", { collapsed: true });
  b.timeseries({
    title: "Container limits against host capacity",
    description: "Sum of the running containers' CPU and memory limits as a share of the host's CPUs and memory: the recording rules OpspulseHostCpuOvercommitted and OpspulseHostMemoryOvercommitted compare. Above the line the limits promise more than the host has (unlimited and stopped containers are not counted).",
    unit: "percentunit", min: 0, w: 12, h: 8,
    thresholds: { base: "green", steps: [["limits_overcommit", "red"]] },
    alerts: ["OpspulseHostCpuOvercommitted", "OpspulseHostMemoryOvercommitted"],
    queries: [
      { expr: b.rec("instance:docker_container_cpu_limit_cores:ratio_host_cpus", ["job", "instance"]), legend: "CPU limits {{instance}}" },
      { expr: b.rec("instance:docker_container_memory_limit_bytes:ratio_host_memory", ["job", "instance"]), legend: "memory limits {{instance}}" },
    ],
  });
  b.timeseries({
    title: "Host used by containers",
    description: "CPU time all containers use as a share of the host's CPUs, and their memory as a share of the host's memory.",
    unit: "percentunit", min: 0, w: 12, h: 8,
    queries: [
      {
        expr: `sum ${q.by("docker_container_cpu_usage_seconds_total", "job", "instance")} (${q.rate(q.sel("docker_container_cpu_usage_seconds_total"))}) / ${q.on("docker_host_cpus", "job", "instance")} max ${hostBy} (${q.sel("docker_host_cpus")})`,
        legend: "CPU {{instance}}",
      },
      {
        expr: `sum ${q.by("docker_container_memory_usage_bytes", "job", "instance")} (${q.sel("docker_container_memory_usage_bytes")}) / ${q.on("docker_host_memory_bytes", "job", "instance")} max ${hostBy} (${q.sel("docker_host_memory_bytes")})`,
        legend: "memory {{instance}}",
      },
    ],
  });
  b.newLine().bargauge({
    title: "Top CPU containers",
    description: "The containers using the most CPU now, in cores as docker stats shows them (100% = one core): a reload loop shows here first. Click a bar for the flame graph of the JVM in that container: the agent's profiler endpoint, published on the container's host at the profiler port variable.",
    unit: "percentunit", min: 0, w: 12, h: 8,
    dataLinks: [flameGraphLink()],
    queries: [{
      expr: withHost(`topk(5, sum ${q.by("docker_container_cpu_usage_seconds_total", "instance", "name")} (${q.rate(q.sel("docker_container_cpu_usage_seconds_total"))}))`),
      legend: "{{name}}", instant: true,
    }],
  });

  b.row("Exporter", { collapsed: true });
  b.timeseries({
    title: "Exporter task failures by task",
    description: "Failures of the exporter's own tasks (resync, event, cgroups, compose, ...) by task, as a rate per 10 minutes: each failure is counted and carried on, so the exporter keeps serving, but what the task keeps true goes stale. OpspulseExporterTaskFailing warns when one task stays above the line for its pending period; the exporter's log names the exception.",
    alerts: ["OpspulseExporterTaskFailing"],
    unit: "suffix:/10m", min: 0, w: 12, h: 8,
    thresholds: { base: "green", steps: [["exporter_task_failures", "red"]] },
    queries: [{
      expr: `sum ${q.by("opspulse_exporter_task_failures_total", "task")} (${q.rate(q.sel("opspulse_exporter_task_failures_total"))}) * 600`,
      legend: "{{task}}",
    }],
  });
  b.timeseries({
    title: "Container labels refused by reason",
    description: "Docker labels of the current containers that the exporter refuses as hostile, by reason (too_long, control_character, invalid_utf8); the containers are still tracked, without those labels. Any for 15 minutes raises OpspulseExporterContainerLabelsRefused, whose runbook shows how to find the container.",
    alerts: ["OpspulseExporterContainerLabelsRefused"],
    unit: "short", min: 0, w: 12, h: 8,
    queries: [{
      expr: `sum ${q.by("opspulse_exporter_container_labels_refused", "reason")} (${q.sel("opspulse_exporter_container_labels_refused")})`,
      legend: "{{reason}}",
    }],
  });
  b.stat({
    title: "Compose files failing to load",
    description: "Compose files the exporter could not load on its last attempt; while one fails, its services are missing from the declared count.",
    unit: "short", w: 6, h: 8,
    mappings: { "0": { text: "0", color: "green" } },
    queries: [{ expr: `sum(${q.sel("opspulse_exporter_compose_file_errors")}) or vector(0)`, instant: true }],
  });
  b.stat({
    title: "Docker API errors",
    description: "Docker Engine API calls of the exporter that failed, per second, by operation.",
    unit: "cps", w: 6, h: 8,
    queries: [{ expr: `sum(${q.rate(q.sel("opspulse_exporter_docker_api_errors_total"))}) or vector(0)`, instant: true }],
  });
  return b;
}

/** The ALERTS selector for firing alerts; ALERTS carries the rules' labels, not the exporter's. */
function alertsFiring(catalog: Catalog): string {
  catalog.requireLabel("ALERTS", "alertstate");
  return `${catalog.metric("ALERTS").name}{alertstate="firing"}`;
}
