// Host: the machine the containers share, from node_exporter, laid out by USE (one row per resource).
// Report 003 saw load 15-27 on 12 cores, 382 processes and zombies; each panel computes what its host
// alert (alert-rules' opspulse-host group) computes by querying the alert's recording rule: load and
// processes per CPU, CPU busy without idle and iowait, MemAvailable over MemTotal, the pressure stall
// share of kernels with PSI, and the containers' memory headroom.
import { Catalog } from "./catalog";
import { Board } from "./board";
import { Rules } from "./rules";

/**
 * node_exporter and the opspulse exporter are two targets on one host: their instances differ in the
 * port. The rules join them on a host label cut from instance, everything before the last colon; the
 * panel that joins them does the same ($1 is label_replace's capture group, which Grafana leaves alone).
 */
const HOST_FROM_INSTANCE = `"host", "$1", "instance", "(.*):[0-9]+"`;

export function host(catalog: Catalog, rules: Rules): Board {
  const b = new Board(catalog, rules, "opspulse-host",
    "The Docker host itself, from node_exporter: load and CPU busy per CPU, memory available, pressure stall (PSI) where the kernel has it, processes and zombies. Each panel computes what its host alert computes.",
    ["host", "node_exporter", "use"], { job: "job", instance: "instance" });
  const q = b.q;
  const byTarget = (metric: string) => q.by(metric, "job", "instance");
  const target = ["job", "instance"];
  const pressure = (resource: string) => b.rec("instance_resource:node_pressure_waiting_seconds:rate5m", target, `resource="${resource}"`);

  // The containers' headroom comes from the opspulse exporter, whose job and instance the filters
  // (set to node_exporter's) do not match: its recording rule keeps only the host label, and the
  // division joins it to the chosen hosts by host.
  const available = `sum by (host) (label_replace(${q.sel("node_memory_MemAvailable_bytes")}, ${HOST_FROM_INSTANCE}))`;
  const headroom = b.rec("host:docker_container_memory_limit_headroom_bytes:sum", ["host"]);

  b.variable("job", "job", "node_load5", {}, "node_exporter job")
    .variable("instance", "instance", "node_load5", { job: "job" }, "Host");

  b.row("CPU");
  b.timeseries({
    title: "Load per CPU",
    description: "The 5-minute load average (runnable and uninterruptible tasks) divided by the host's CPUs: the recording rule OpspulseHostLoadHigh compares. Above 1 the run queue is longer than the CPUs.",
    unit: "short", min: 0, w: 8, h: 8,
    thresholds: { base: "green", steps: [["host_load_per_core", "red"]] },
    alerts: ["OpspulseHostLoadHigh", "OpspulseNodeExporterDown"],
    queries: [{ expr: b.rec("instance:node_load5:ratio_cpus", target), legend: "{{instance}}" }],
  });
  b.timeseries({
    title: "CPU busy",
    description: "Share of the host's CPU time over 5 minutes neither idle nor in iowait: the recording rule OpspulseHostCpuSaturated compares.",
    unit: "percentunit", min: 0, max: 1, w: 8, h: 8,
    thresholds: { base: "green", steps: [["host_cpu_busy", "red"]] },
    alerts: ["OpspulseHostCpuSaturated"],
    queries: [{ expr: b.rec("instance:node_cpu_busy_seconds:ratio_rate5m", target), legend: "{{instance}}" }],
  });
  b.timeseries({
    title: "CPU pressure",
    description: "Share of time over 5 minutes some runnable task waited for a CPU (PSI some): the recording rule OpspulseHostPressureHigh compares. Only kernels with PSI (4.20+, not booted with psi=0) report it; elsewhere the panel and the alert stay empty.",
    unit: "percentunit", min: 0, w: 8, h: 8,
    thresholds: { base: "green", steps: [["host_cpu_pressure", "red"]] },
    alerts: ["OpspulseHostPressureHigh"],
    queries: [{ expr: pressure("cpu"), legend: "{{instance}}" }],
  });

  b.row("Memory");
  b.timeseries({
    title: "Memory available",
    description: "MemAvailable over MemTotal: what new work can still get without swapping, the recording rule OpspulseHostMemoryAvailableLow compares (warning and critical grades).",
    unit: "percentunit", min: 0, max: 1, w: 6, h: 8,
    thresholds: { base: "red", steps: [["host_memory_available_critical", "orange"], ["host_memory_available_warning", "green"]] },
    alerts: ["OpspulseHostMemoryAvailableLow"],
    queries: [{ expr: b.rec("instance:node_memory_available_bytes:ratio_total", target), legend: "{{instance}}" }],
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
    description: "Share of time over 5 minutes some task stalled on memory (PSI some: reclaim, swap-in, refaults), the recording rule OpspulseHostPressureHigh compares; only on kernels with PSI.",
    unit: "percentunit", min: 0, w: 6, h: 8,
    thresholds: { base: "green", steps: [["host_memory_pressure", "red"]] },
    alerts: ["OpspulseHostPressureHigh"],
    queries: [{ expr: pressure("memory"), legend: "{{instance}}" }],
  });
  b.timeseries({
    title: "Container memory headroom over available",
    description: "What running containers may still grow by before their memory limits stop them (limit minus usage, at least 0, summed per host), over the memory the host has available (the recording rule and the division OpspulseHostMemoryLimitsExceedAvailable compares): above 1 the host's OOM killer, not the containers' limits, picks the victim. Unlimited containers are not counted.",
    unit: "percentunit", min: 0, w: 6, h: 8,
    thresholds: { base: "green", steps: [["limits_overcommit", "red"]] },
    alerts: ["OpspulseHostMemoryLimitsExceedAvailable"],
    queries: [{ expr: `${headroom} / on (host) ${available}`, legend: "{{host}}" }],
  });

  b.row("Processes and I/O");
  b.timeseries({
    title: "Processes and zombies",
    description: "Processes per CPU (all states, over the CPUs), the recording rule OpspulseHostTooManyProcesses compares, and the count of zombie processes (state Z) as OpspulseHostZombieProcesses reads it: host_zombies is the zombies' line, host_processes_per_core the processes' line. Needs node_exporter's --collector.processes.",
    unit: "short", min: 0, w: 12, h: 8,
    thresholds: { base: "green", steps: [["host_zombies", "orange"], ["host_processes_per_core", "red"]] },
    alerts: ["OpspulseHostTooManyProcesses", "OpspulseHostZombieProcesses"],
    queries: [
      { expr: b.rec("instance:node_processes:ratio_cpus", target), legend: "processes per CPU {{instance}}" },
      {
        expr: `sum ${byTarget("node_processes_state")} (${q.sel("node_processes_state", `state="Z"`)})`,
        legend: "zombies {{instance}}",
      },
    ],
  });
  b.timeseries({
    title: "I/O pressure",
    description: "Share of time over 5 minutes some task stalled on I/O (PSI some), the recording rule OpspulseHostPressureHigh compares; only on kernels with PSI.",
    unit: "percentunit", min: 0, w: 12, h: 8,
    thresholds: { base: "green", steps: [["host_io_pressure", "red"]] },
    alerts: ["OpspulseHostPressureHigh"],
    queries: [{ expr: pressure("io"), legend: "{{instance}}" }],
  });
  return b;
}
