// Host: the machine the containers share, from node_exporter, laid out by USE (one row per resource).
// Report 003 saw load 15-27 on 12 cores, 382 processes and zombies; each panel computes what its host
// alert (alert-rules' opspulse-host group) computes, from the raw series so it works without the
// recording rules: load and processes per CPU, CPU busy without idle and iowait, MemAvailable over
// MemTotal, and the pressure stall share of kernels with PSI.
import { Catalog } from "./catalog";
import { Board } from "./board";
import { Promql } from "./promql";

/**
 * node_exporter and the opspulse exporter are two targets on one host: their instances differ in the
 * port. The rules join them on a host label cut from instance, everything before the last colon; the
 * panel that joins them does the same ($1 is label_replace's capture group, which Grafana leaves alone).
 */
const HOST_FROM_INSTANCE = `"host", "$1", "instance", "(.*):[0-9]+"`;

export function host(catalog: Catalog): Board {
  const b = new Board(catalog, "opspulse-host",
    "The Docker host itself, from node_exporter: load and CPU busy per CPU, memory available, pressure stall (PSI) where the kernel has it, processes and zombies. Each panel computes what its host alert computes.",
    ["host", "node_exporter", "use"], { job: "job", instance: "instance" });
  const q = b.q;
  const cpu = "node_cpu_seconds_total";
  const byTarget = (metric: string) => q.by(metric, "job", "instance");
  // instance:node_cpus:count: a host's CPUs, counted by their idle series.
  const cpus = `count ${byTarget(cpu)} (${q.sel(cpu, `mode="idle"`)})`;
  const perCpu = (metric: string) => q.on([metric, cpu], "job", "instance");

  // The containers' series come from the opspulse exporter, whose job and instance the filters (set
  // to node_exporter's) do not match: those series are joined to the chosen hosts by host instead.
  const docker = new Promql(catalog, {});
  const limit = "docker_container_memory_limit_bytes";
  const usage = "docker_container_memory_usage_bytes";
  const state = "docker_container_state";
  const available = `sum by (host) (label_replace(${q.sel("node_memory_MemAvailable_bytes")}, ${HOST_FROM_INSTANCE}))`;
  const headroom = `sum by (host) (label_replace(clamp_min(${docker.sel(limit)} - ${docker.on([limit, usage], "job", "instance", "id")} ${docker.sel(usage)}, 0) `
    + `and ${docker.on([limit, state], "job", "instance", "id")} (${docker.sel(state, `state="${catalog.labelValue("containerState", "running")}"`)} == 1), ${HOST_FROM_INSTANCE}))`;

  b.variable("job", "job", "node_load5", {}, "node_exporter job")
    .variable("instance", "instance", "node_load5", { job: "job" }, "Host");

  b.row("CPU");
  b.timeseries({
    title: "Load per CPU",
    description: "The 5-minute load average (runnable and uninterruptible tasks) divided by the host's CPUs, as OpspulseHostLoadHigh reads it: above 1 the run queue is longer than the CPUs.",
    unit: "short", min: 0, w: 8, h: 8,
    thresholds: { base: "green", steps: [["host_load_per_core", "red"]] },
    queries: [{ expr: `${q.sel("node_load5")} / ${perCpu("node_load5")} ${cpus}`, legend: "{{instance}}" }],
  });
  b.timeseries({
    title: "CPU busy",
    description: "Share of the host's CPU time neither idle nor in iowait, as OpspulseHostCpuSaturated reads it (the alert over 5 minutes, the panel over Grafana's rate interval).",
    unit: "percentunit", min: 0, max: 1, w: 8, h: 8,
    thresholds: { base: "green", steps: [["host_cpu_busy", "red"]] },
    queries: [{
      expr: `1 - sum ${byTarget(cpu)} (${q.rate(q.sel(cpu, `mode=~"idle|iowait"`))}) / ${perCpu(cpu)} ${cpus}`,
      legend: "{{instance}}",
    }],
  });
  b.timeseries({
    title: "CPU pressure",
    description: "Share of time some runnable task waited for a CPU (PSI some), as OpspulseHostPressureHigh reads it. Only kernels with PSI (4.20+, not booted with psi=0) report it; elsewhere the panel and the alert stay empty.",
    unit: "percentunit", min: 0, w: 8, h: 8,
    thresholds: { base: "green", steps: [["host_cpu_pressure", "red"]] },
    queries: [{ expr: q.rate(q.sel("node_pressure_cpu_waiting_seconds_total")), legend: "{{instance}}" }],
  });

  b.row("Memory");
  b.timeseries({
    title: "Memory available",
    description: "MemAvailable over MemTotal: what new work can still get without swapping, as OpspulseHostMemoryAvailableLow reads it (warning and critical grades).",
    unit: "percentunit", min: 0, max: 1, w: 6, h: 8,
    thresholds: { base: "red", steps: [["host_memory_available_critical", "orange"], ["host_memory_available_warning", "green"]] },
    queries: [{
      expr: `${q.sel("node_memory_MemAvailable_bytes")} / ${q.on(["node_memory_MemAvailable_bytes", "node_memory_MemTotal_bytes"], "job", "instance")} ${q.sel("node_memory_MemTotal_bytes")}`,
      legend: "{{instance}}",
    }],
  });
  b.timeseries({
    title: "Memory available and total",
    description: "The bytes behind the ratio: MemAvailable against MemTotal.",
    unit: "bytes", min: 0, w: 6, h: 8,
    queries: [
      { expr: q.sel("node_memory_MemAvailable_bytes"), legend: "available {{instance}}" },
      { expr: q.sel("node_memory_MemTotal_bytes"), legend: "total {{instance}}" },
    ],
  });
  b.timeseries({
    title: "Memory pressure",
    description: "Share of time some task stalled on memory (PSI some: reclaim, swap-in, refaults), as OpspulseHostPressureHigh reads it; only on kernels with PSI.",
    unit: "percentunit", min: 0, w: 6, h: 8,
    thresholds: { base: "green", steps: [["host_memory_pressure", "red"]] },
    queries: [{ expr: q.rate(q.sel("node_pressure_memory_waiting_seconds_total")), legend: "{{instance}}" }],
  });
  b.timeseries({
    title: "Container memory headroom over available",
    description: "What running containers may still grow by before their memory limits stop them (limit minus usage, at least 0, summed per host), over the memory the host has available, as OpspulseHostMemoryLimitsExceedAvailable reads it: above 1 the host's OOM killer, not the containers' limits, picks the victim. Unlimited containers are not counted.",
    unit: "percentunit", min: 0, w: 6, h: 8,
    thresholds: { base: "green", steps: [["limits_overcommit", "red"]] },
    queries: [{ expr: `${headroom} / on (host) ${available}`, legend: "{{host}}" }],
  });

  b.row("Processes and I/O");
  b.timeseries({
    title: "Processes and zombies",
    description: "Processes per CPU (all states, over the CPUs) as OpspulseHostTooManyProcesses reads it, and the count of zombie processes (state Z) as OpspulseHostZombieProcesses reads it: host_zombies is the zombies' line, host_processes_per_core the processes' line. Needs node_exporter's --collector.processes.",
    unit: "short", min: 0, w: 12, h: 8,
    thresholds: { base: "green", steps: [["host_zombies", "orange"], ["host_processes_per_core", "red"]] },
    queries: [
      {
        expr: `sum ${byTarget("node_processes_state")} (${q.sel("node_processes_state")}) / ${perCpu("node_processes_state")} ${cpus}`,
        legend: "processes per CPU {{instance}}",
      },
      {
        expr: `sum ${byTarget("node_processes_state")} (${q.sel("node_processes_state", `state="Z"`)})`,
        legend: "zombies {{instance}}",
      },
    ],
  });
  b.timeseries({
    title: "I/O pressure",
    description: "Share of time some task stalled on I/O (PSI some), as OpspulseHostPressureHigh reads it; only on kernels with PSI.",
    unit: "percentunit", min: 0, w: 12, h: 8,
    thresholds: { base: "green", steps: [["host_io_pressure", "red"]] },
    queries: [{ expr: q.rate(q.sel("node_pressure_io_waiting_seconds_total")), legend: "{{instance}}" }],
  });
  return b;
}
