// GPUs: utilisation against memory held — the report where every GPU sat at 0% while models held
// their memory — plus power, temperature, throttling, errors, and the per-container view of which
// container holds which GPU memory and how much work it does. Rows: the probe, utilisation, memory,
// power and clocks, errors. Panels that show what an alert watches compute what it computes (its
// recording rule where it has one) and link to its runbook.
import { Catalog } from "./catalog";
import { Board, unit } from "./board";
import { Rules } from "./rules";

export function gpus(catalog: Catalog, rules: Rules): Board {
  const b = new Board(catalog, rules, "opspulse-gpus",
    "GPU utilisation against the memory held, power, temperature, throttling and errors, and which container holds which GPU memory and does how much work.",
    ["gpu", "nvidia"],
    { job: "job", instance: "instance", gpu: "gpu", compose_service: "compose_service" });
  const q = b.q;
  const util = "hw_gpu_utilization_ratio";
  const byGpu = (metric: string | string[]) => q.by(metric, "instance", "gpu", "hw_name");
  const usage = "hw_gpu_memory_usage_bytes";
  const utilisationThresholds = { base: "red", steps: [["gpu_idle_utilization", "orange"], ["gpu_low_utilization", "green"]] as Array<[string, string]> };

  b.variable("job", "job", "opspulse_gpu_probe_up", {}, "Exporter job")
    .variable("instance", "instance", "opspulse_gpu_probe_up", { job: "job" }, "Host")
    .variable("gpu", "gpu", "hw_gpu_memory_limit_bytes", { job: "job", instance: "instance" }, "GPU")
    .variable("compose_service", "compose_service", "opspulse_gpu_container_memory_bytes", { job: "job", instance: "instance" }, "Compose service");

  // A GPU's recording rules keep the labels of its hw_gpu_* series.
  const gpuLabels = ["job", "instance", "gpu"];

  b.row("Probe");
  b.stat({
    title: "GPU probe",
    description: "Whether NVML is loaded and answering on each host (opspulse_gpu_probe_up); DOWN on a host without NVIDIA drivers is expected, DOWN on a host that had GPUs raises OpspulseGpuProbeDown.",
    alerts: ["OpspulseGpuProbeDown"],
    unit: "short", w: 4, h: 4,
    mappings: { "0": { text: "DOWN", color: "red" }, "1": { text: "UP", color: "green" } },
    queries: [{ expr: `min(${q.sel("opspulse_gpu_probe_up")})`, instant: true }],
  });
  b.table({
    title: "GPU probe status",
    description: "Why the probe is or is not reporting: ok, library_missing, init_failed, ...",
    unit: "short", w: 8, h: 4,
    queries: [{ expr: `max ${q.by("opspulse_gpu_probe_status", "instance", "status")} (${q.sel("opspulse_gpu_probe_status")} == 1)`, instant: true }],
  });
  b.stat({
    title: "GPUs",
    description: "GPUs NVML reports on the selected hosts; fewer than the host had in the last day raises OpspulseGpuCountDropped.",
    alerts: ["OpspulseGpuCountDropped"],
    unit: "short", w: 4, h: 4,
    queries: [{ expr: `sum(${q.sel("opspulse_gpu_devices")})`, instant: true }],
  });
  b.stat({
    title: "GPUs lost",
    description: "GPUs NVML reported lost (GPU_IS_LOST, OpspulseGpuLost); their other readings stop until the driver recovers them.",
    alerts: ["OpspulseGpuLost"],
    unit: "short", w: 4, h: 4,
    mappings: { "0": { text: "0", color: "green" } },
    queries: [{ expr: `sum(${q.sel("opspulse_gpu_lost")}) or vector(0)`, instant: true }],
  });
  b.stat({
    title: "NVML poll duration",
    description: "How long the last NVML poll of all GPUs took.",
    unit: unit(catalog, "opspulse_gpu_poll_duration_seconds"), w: 4, h: 4,
    queries: [{ expr: `max(${q.sel("opspulse_gpu_poll_duration_seconds")})`, instant: true }],
  });

  b.row("Utilisation");
  b.timeseries({
    title: "GPU utilisation, 10-minute average",
    description: "Share of the last 10 minutes each GPU was busy: the recording rule OpspulseGpuUnderutilized compares. Under the low line it is underused, under the idle line it does nothing.",
    unit: unit(catalog, util), min: 0, max: 1, w: 12, h: 8,
    thresholds: utilisationThresholds,
    alerts: ["OpspulseGpuUnderutilized"],
    queries: [{ expr: b.rec("gpu:hw_gpu_utilization_ratio:avg10m", gpuLabels), legend: "GPU {{gpu}} {{hw_name}}" }],
  });
  b.timeseries({
    title: "GPU utilisation",
    description: "Share of each sample period each GPU was busy, as NVML reports it; OpspulseGpuIdleWithMemoryAllocated reads its 5-minute maximum.",
    alerts: ["OpspulseGpuIdleWithMemoryAllocated"],
    unit: unit(catalog, util), min: 0, max: 1, w: 12, h: 8,
    thresholds: utilisationThresholds,
    queries: [{ expr: `max ${byGpu(util)} (${q.sel(util, `hw_gpu_task="general"`)})`, legend: "GPU {{gpu}} {{hw_name}}" }],
  });
  const heldShare = catalog.threshold("gpu_idle_memory");
  b.newLine().bargauge({
    title: "Idle but allocated: utilisation of GPUs holding memory",
    description: `Utilisation of every GPU holding more than ${heldShare.value * 100}% of its memory (${heldShare.key}, the memory share recording rule OpspulseGpuIdleWithMemoryAllocated reads); `
      + "red is a GPU holding memory while doing (almost) nothing: allocated but idle.",
    unit: unit(catalog, util), min: 0, max: 1, w: 12, h: 8,
    thresholds: utilisationThresholds,
    alerts: ["OpspulseGpuIdleWithMemoryAllocated"],
    queries: [{
      expr: `max ${byGpu(util)} (${q.sel(util, `hw_gpu_task="general"`)}) and ${q.on([util, usage], "instance", "gpu")} `
        + `(${b.rec("gpu:hw_gpu_memory_usage_bytes:ratio_limit", gpuLabels)} > ${q.threshold(heldShare.key)})`,
      legend: "GPU {{gpu}} {{hw_name}}", instant: true,
    }],
  });
  b.timeseries({
    title: "GPU memory bandwidth utilisation",
    description: "Share of the sample period each GPU's memory was read or written.",
    unit: unit(catalog, util), min: 0, max: 1, w: 12, h: 8,
    queries: [{ expr: `max ${byGpu(util)} (${q.sel(util, `hw_gpu_task="memory"`)})`, legend: "GPU {{gpu}}" }],
  });

  b.row("Memory");
  b.timeseries({
    title: "GPU memory used against total",
    description: "GPU memory allocated and the GPU's total memory.",
    unit: unit(catalog, usage), min: 0, w: 24, h: 8,
    queries: [
      { expr: `sum ${byGpu(usage)} (${q.sel(usage)})`, legend: "GPU {{gpu}} used" },
      { expr: `sum ${byGpu("hw_gpu_memory_limit_bytes")} (${q.sel("hw_gpu_memory_limit_bytes")})`, legend: "GPU {{gpu}} total" },
    ],
  });
  b.newLine().table({
    title: "GPU memory by container",
    description: "GPU memory the processes of each container hold on each GPU: which service keeps a model loaded.",
    unit: unit(catalog, "opspulse_gpu_container_memory_bytes"), w: 12, h: 8,
    queries: [{
      expr: `sum ${q.by("opspulse_gpu_container_memory_bytes", "instance", "gpu", "container_name", "compose_service")} (${q.sel("opspulse_gpu_container_memory_bytes")})`,
      instant: true,
    }],
  }, { field: "Value", desc: true });
  b.timeseries({
    title: "SM utilisation by container",
    description: "Share of the GPU's SMs each container's processes kept busy; a container holding GPU memory with a flat zero here is idle but allocated (OpspulseGpuIdleWithMemoryAllocated alerts per GPU).",
    alerts: ["OpspulseGpuIdleWithMemoryAllocated", "OpspulseGpuUnderutilized"],
    unit: unit(catalog, "opspulse_gpu_container_sm_utilization_ratio"), min: 0, max: 1, w: 12, h: 8,
    thresholds: utilisationThresholds,
    queries: [{
      expr: `max ${q.by("opspulse_gpu_container_sm_utilization_ratio", "instance", "gpu", "container_name")} (${q.sel("opspulse_gpu_container_sm_utilization_ratio")})`,
      legend: "{{container_name}} on GPU {{gpu}}",
    }],
  });
  b.newLine().table({
    title: "GPU memory by process",
    description: "GPU memory each process holds, with its container (empty for host processes); memory held by a pid that no longer exists is leaked.",
    unit: unit(catalog, "opspulse_gpu_process_memory_bytes"), w: 24, h: 6,
    queries: [{
      expr: `sum ${q.by("opspulse_gpu_process_memory_bytes", "instance", "gpu", "pid", "process_type", "container_name", "compose_service")} (${q.sel("opspulse_gpu_process_memory_bytes")})`,
      instant: true,
    }],
  }, { field: "Value", desc: true });

  b.row("Power, temperature and clocks", { collapsed: true });
  b.timeseries({
    title: "Power against limit",
    description: "Power each GPU draws, with the power limit the driver enforces.",
    unit: unit(catalog, "hw_power_watts"), min: 0, w: 12, h: 8,
    queries: [
      { expr: `max ${byGpu("hw_power_watts")} (${q.sel("hw_power_watts")})`, legend: "GPU {{gpu}}" },
      { expr: `max ${byGpu("opspulse_gpu_power_limit_watts")} (${q.sel("opspulse_gpu_power_limit_watts")})`, legend: "GPU {{gpu}} limit" },
    ],
  });
  b.timeseries({
    title: "Temperature",
    description: "The GPU die's temperature.",
    unit: unit(catalog, "hw_temperature_celsius"), w: 12, h: 8,
    queries: [{ expr: `max ${byGpu("hw_temperature_celsius")} (${q.sel("hw_temperature_celsius")})`, legend: "GPU {{gpu}}" }],
  });
  b.newLine().stateTimeline({
    title: "Throttle reasons",
    description: "Clock event (throttle) reasons holding each GPU's clocks down: power cap, thermal, idle, ...; hardware and thermal slowdowns raise OpspulseGpuThrottled.",
    alerts: ["OpspulseGpuThrottled"],
    unit: "short", w: 12, h: 8,
    mappings: { "0": { text: "off", color: "transparent" }, "1": { text: "active", color: "orange" } },
    queries: [{
      expr: `max ${q.by("opspulse_gpu_throttle_active", "instance", "gpu", "reason")} (${q.sel("opspulse_gpu_throttle_active")})`,
      legend: "GPU {{gpu}} {{reason}}",
    }],
  });
  b.timeseries({
    title: "Clocks",
    description: "Current SM and memory clocks of each GPU.",
    unit: unit(catalog, "opspulse_gpu_clock_hertz"), min: 0, w: 12, h: 8,
    queries: [{
      expr: `max ${q.by("opspulse_gpu_clock_hertz", "instance", "gpu", "clock")} (${q.sel("opspulse_gpu_clock_hertz")})`,
      legend: "GPU {{gpu}} {{clock}}",
    }],
  });
  b.timeseries({
    title: "Energy use",
    description: "Average power over the interval from the energy counter, which never misses a spike between samples.",
    unit: unit(catalog, "hw_power_watts"), min: 0, w: 24, h: 8,
    queries: [{ expr: `sum ${byGpu("hw_energy_joules_total")} (${q.rate(q.sel("hw_energy_joules_total"))})`, legend: "GPU {{gpu}}" }],
  });

  b.row("Errors");
  b.timeseries({
    title: "ECC errors",
    description: "ECC memory errors per second by type; any uncorrected error is a hardware problem (OpspulseGpuEccErrors).",
    alerts: ["OpspulseGpuEccErrors"],
    unit: "cps", min: 0, w: 24, h: 8,
    queries: [{
      expr: `sum ${q.by("hw_errors_total", "instance", "gpu", "error_type")} (${q.rate(q.sel("hw_errors_total"))})`,
      legend: "GPU {{gpu}} {{error_type}}",
    }],
  });

  const xid = "opspulse_gpu_xid_errors_total";
  b.table({
    title: "XID errors by code",
    description: "Critical XID errors each GPU reported since the exporter started, by XID code. Hardware codes (48, 63, 64, 74, 79, 94, 95, ...) raise OpspulseGpuXidError; the rest (13, 31, 43, 45: a program's fault) OpspulseGpuApplicationXid.",
    alerts: ["OpspulseGpuXidError", "OpspulseGpuApplicationXid"],
    unit: "short", w: 12, h: 8,
    queries: [{ expr: `sum ${q.by(xid, "instance", "gpu", "hw_name", "xid")} (${q.sel(xid)})`, instant: true }],
  }, { field: "Value", desc: true });
  b.timeseries({
    title: "XID errors per second",
    description: "When the XID errors arrived, by GPU and code.",
    unit: "cps", min: 0, w: 12, h: 8,
    queries: [{ expr: `sum ${q.by(xid, "instance", "gpu", "xid")} (${q.rate(q.sel(xid))})`, legend: "GPU {{gpu}} XID {{xid}}" }],
  });
  const remapped = "opspulse_gpu_remapped_rows";
  const retired = "opspulse_gpu_retired_pages";
  b.newLine().table({
    title: "Memory taken out of service",
    description: "Rows each GPU remapped to spares (Ampere and newer, by the error behind it) and pages it retired (older GPUs, by cause). A row remap failure means no spare rows were left (OpspulseGpuRowRemapFailed).",
    alerts: ["OpspulseGpuRowRemapFailed"],
    unit: "short", w: 12, h: 8,
    queries: [
      { expr: `max ${q.by(remapped, "instance", "gpu", "hw_name", "error_type")} (${q.sel(remapped)})`, instant: true },
      { expr: `max ${q.by(retired, "instance", "gpu", "hw_name", "cause")} (${q.sel(retired)})`, instant: true },
    ],
  });
  b.stateTimeline({
    title: "Memory repair pending or failed",
    description: "A row remap or page retirement waiting for the next GPU reset (OpspulseGpuMemoryRepairPending), and row remap failures.",
    alerts: ["OpspulseGpuMemoryRepairPending"],
    unit: "short", w: 12, h: 8,
    mappings: { "0": { text: "no", color: "transparent" }, "1": { text: "yes", color: "red" } },
    queries: [
      { expr: `max ${byGpu("opspulse_gpu_row_remap_pending")} (${q.sel("opspulse_gpu_row_remap_pending")})`, legend: "GPU {{gpu}} row remap pending" },
      { expr: `max ${byGpu("opspulse_gpu_retired_pages_pending")} (${q.sel("opspulse_gpu_retired_pages_pending")})`, legend: "GPU {{gpu}} page retirement pending" },
      { expr: `max ${byGpu("opspulse_gpu_row_remap_failed")} (${q.sel("opspulse_gpu_row_remap_failed")})`, legend: "GPU {{gpu}} row remap failed" },
    ],
  });
  const pcie = "opspulse_gpu_pcie_throughput_bytes_per_second";
  b.newLine().timeseries({
    title: "PCIe throughput",
    description: "PCIe traffic of each GPU by direction, as NVML sampled it over 20 ms at each poll.",
    unit: unit(catalog, pcie), min: 0, w: 12, h: 8,
    queries: [{ expr: `max ${q.by(pcie, "instance", "gpu", "direction")} (${q.sel(pcie)})`, legend: "GPU {{gpu}} {{direction}}" }],
  });
  b.timeseries({
    title: "PCIe replays and NVLink errors",
    description: "PCIe replays (link-level retransmissions) and NVLink data-link errors per second; a steady rate points at a bad riser, slot or link. GPUs without NVLink have no NVLink series.",
    unit: "cps", min: 0, w: 12, h: 8,
    queries: [
      { expr: `sum ${byGpu("opspulse_gpu_pcie_replays_total")} (${q.rate(q.sel("opspulse_gpu_pcie_replays_total"))})`, legend: "GPU {{gpu}} PCIe replays" },
      { expr: `sum ${q.by("opspulse_gpu_nvlink_errors_total", "instance", "gpu", "link", "error_type")} (${q.rate(q.sel("opspulse_gpu_nvlink_errors_total"))})`, legend: "GPU {{gpu}} link {{link}} {{error_type}}" },
    ],
  });
  b.newLine().stateTimeline({
    title: "NVLink links",
    description: "Whether each NVLink link is active; only GPUs with NVLink have links here.",
    unit: "short", w: 12, h: 8,
    mappings: { "0": { text: "down", color: "red" }, "1": { text: "up", color: "green" } },
    queries: [{ expr: `max ${q.by("opspulse_gpu_nvlink_up", "instance", "gpu", "link")} (${q.sel("opspulse_gpu_nvlink_up")})`, legend: "GPU {{gpu}} link {{link}}" }],
  });
  const migUsed = "opspulse_gpu_mig_memory_usage_bytes";
  b.table({
    title: "MIG instances",
    description: "Memory used and in total of each MIG instance, by its parent GPU, GPU instance id and profile; empty when no GPU runs in MIG mode.",
    unit: unit(catalog, migUsed), w: 12, h: 8,
    queries: [
      { expr: `max ${q.by(migUsed, "instance", "gpu", "gpu_instance_id", "mig_profile")} (${q.sel(migUsed)})`, instant: true },
      { expr: `max ${q.by("opspulse_gpu_mig_memory_limit_bytes", "instance", "gpu", "gpu_instance_id", "mig_profile")} (${q.sel("opspulse_gpu_mig_memory_limit_bytes")})`, instant: true },
    ],
  });
  return b;
}
