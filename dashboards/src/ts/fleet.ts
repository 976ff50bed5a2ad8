// Fleet overview: one screen answering "is this Docker host healthy?" — the questions of the
// incident reports: 37 running where 23 are declared (orphans, anonymous and deprecated containers),
// services that never came up, crash loops with their exit reasons, the health-check ratio, and
// container limits that promise more than the host has.
import { Catalog } from "./catalog";
import { Board } from "./board";

export function fleet(catalog: Catalog): Board {
  const b = new Board(catalog, "opspulse-fleet",
    "Is the Docker host healthy: running against declared containers, containers nobody declared, crash loops, health, firing alerts and limits against capacity.",
    ["docker", "fleet"], { job: "job", instance: "instance" });
  const q = b.q;
  const containers = "docker_containers";
  const running = q.sel(containers, `state="${catalog.labelValue("containerState", "running")}"`);
  const hostBy = q.by("docker_host_cpus", "job", "instance");

  b.variable("job", "job", "docker_up", {}, "Exporter job")
    .variable("instance", "instance", "docker_up", { job: "job" }, "Docker host");

  // --- top line: the verdict ---
  b.stat({
    title: "Docker engine reachable",
    description: "Whether the exporter reaches the Docker engine on each host (docker_up). DOWN means every other panel is stale.",
    unit: "short", w: 4, h: 4,
    mappings: { "0": { text: "DOWN", color: "red" }, "1": { text: "UP", color: "green" } },
    queries: [{ expr: `min(${q.sel("docker_up")})`, instant: true }],
  });
  b.stat({
    title: "Running containers",
    description: "Containers running now, whatever started them.",
    unit: "short", w: 4, h: 4,
    queries: [{ expr: `sum(${running})`, instant: true }],
  });
  b.stat({
    title: "Declared replicas",
    description: "Replicas the compose files declare for services whose profile is active: what should be running.",
    unit: "short", w: 4, h: 4,
    queries: [{ expr: `sum(${q.sel("compose_service_desired_replicas")})`, instant: true }],
  });
  b.stat({
    title: "Running beyond declared",
    description: "Running containers no compose file declares (orphans, anonymous, one-off, deprecated, unmanaged). Green only at zero.",
    unit: "short", w: 4, h: 4,
    thresholds: { base: "green", steps: [["containers_over_declared", "red"]] },
    mappings: { "0": { text: "0", color: "green" } },
    queries: [{ expr: `sum(${q.sel(containers, `state="running"`, `origin!="${catalog.labelValue("origin", "declared")}"`)}) or vector(0)`, instant: true }],
  });
  b.stat({
    title: "Health-check ratio",
    description: "Share of containers with a health check whose status is healthy (starting and unhealthy count against it).",
    unit: "percentunit", min: 0, max: 1, w: 4, h: 4,
    thresholds: { base: "red", steps: [["health_ratio_critical", "orange"], ["health_ratio_warning", "green"]] },
    queries: [{
      expr: `sum(${q.sel("docker_container_health_status", `status="${catalog.labelValue("healthStatus", "healthy")}"`)}) / count(${q.sel("docker_container_health_status", `status="healthy"`)})`,
      instant: true,
    }],
  });
  b.stat({
    title: "Firing alerts",
    description: "Alerts Prometheus is firing now (the ALERTS series), from every rule group it loads.",
    unit: "short", w: 4, h: 4,
    mappings: { "0": { text: "none", color: "green" } },
    queries: [{ expr: `count(${alertsFiring(catalog)}) or vector(0)`, instant: true }],
  });

  // --- running against declared ---
  b.newLine().timeseries({
    title: "Running containers by origin against declared",
    description: "Running containers by origin (declared, orphan, oneoff, anonymous, unmanaged, deprecated), with the replicas the compose files declare as a line: the gap is the sprawl.",
    unit: "short", min: 0, w: 12, h: 8,
    queries: [
      { expr: `sum ${q.by(containers, "origin")} (${running})`, legend: "{{origin}}" },
      { expr: `sum(${q.sel("compose_service_desired_replicas")})`, legend: "declared replicas" },
    ],
  });
  b.table({
    title: "Containers nobody declared",
    description: "Running containers whose origin is not a compose declaration: orphans of removed services, anonymous containers, one-off runs and services marked deprecated.",
    unit: "short", w: 12, h: 8,
    queries: [{
      expr: `max ${q.by("docker_container_info", "instance", "name", "image", "origin", "compose_project", "compose_service")} (${q.sel("docker_container_info", `origin!="declared"`)}) `
        + `and ${q.on(["docker_container_info", "docker_container_state"], "instance", "name")} (${q.sel("docker_container_state", `state="running"`)} == 1)`,
      instant: true,
    }],
  });

  b.newLine().table({
    title: "Services missing replicas",
    description: "Compose services with fewer running containers than declared (declared minus running); a service declared but never deployed shows its full replica count.",
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
    description: "All containers on the host by Docker state; exited containers piling up mean nobody cleans up one-off and failed runs.",
    unit: "short", min: 0, w: 12, h: 8,
    thresholds: { base: "green", steps: [["exited_containers", "orange"]] },
    queries: [{ expr: `sum ${q.by(containers, "state")} (${q.sel(containers)})`, legend: "{{state}}", instant: true }],
  });

  // --- crash loops ---
  b.newLine().timeseries({
    title: "Restart rate by container (top 10)",
    description: "Restarts by restart policy, as a rate per hour; a container above the line is crash-looping.",
    unit: "suffix:/h", min: 0, w: 12, h: 8,
    thresholds: { base: "green", steps: [["restarts_per_hour", "red"]] },
    queries: [{
      expr: `topk(10, sum ${q.by("docker_container_restarts_total", "instance", "name")} (${q.rate(q.sel("docker_container_restarts_total"))}) * 3600)`,
      legend: "{{name}}",
    }],
  });
  b.table({
    title: "Last exit by container",
    description: "Each container that has exited at least once: its last exit reason (command_not_found for 127, oom_killed, ...) and, as the value, its last exit code.",
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
    unit: "suffix:/h", min: 0, w: 12, h: 8,
    queries: [{
      expr: `sum ${q.by("docker_container_exits_total", "reason")} (${q.rate(q.sel("docker_container_exits_total"))}) * 3600`,
      legend: "{{reason}}",
    }],
  });
  b.table({
    title: "Alerts pending and firing",
    description: "Every alert Prometheus holds now (the ALERTS series) by name, severity and state.",
    unit: "short", w: 12, h: 8,
    queries: [{ expr: `sum ${q.by("ALERTS", "alertname", "severity", "alertstate")} (${catalog.metric("ALERTS").name})`, instant: true }],
  });

  // --- capacity ---
  b.newLine().timeseries({
    title: "Container limits against host capacity",
    description: "Sum of the containers' CPU and memory limits as a share of the host's CPUs and memory; above the line the limits promise more than the host has (unlimited containers are not counted).",
    unit: "percentunit", min: 0, w: 12, h: 8,
    thresholds: { base: "green", steps: [["limits_overcommit", "red"]] },
    queries: [
      {
        expr: `sum ${q.by("docker_container_cpu_limit_cores", "job", "instance")} (${q.sel("docker_container_cpu_limit_cores")}) / ${q.on("docker_host_cpus", "job", "instance")} max ${hostBy} (${q.sel("docker_host_cpus")})`,
        legend: "CPU limits {{instance}}",
      },
      {
        expr: `sum ${q.by("docker_container_memory_limit_bytes", "job", "instance")} (${q.sel("docker_container_memory_limit_bytes")}) / ${q.on("docker_host_memory_bytes", "job", "instance")} max ${hostBy} (${q.sel("docker_host_memory_bytes")})`,
        legend: "memory limits {{instance}}",
      },
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
    description: "The containers using the most CPU now, in cores as docker stats shows them (100% = one core): a reload loop shows here first.",
    unit: "percentunit", min: 0, w: 12, h: 8,
    queries: [{
      expr: `topk(5, sum ${q.by("docker_container_cpu_usage_seconds_total", "instance", "name")} (${q.rate(q.sel("docker_container_cpu_usage_seconds_total"))}))`,
      legend: "{{name}}", instant: true,
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
