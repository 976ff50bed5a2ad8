package io.opspulse.catalog;

import static io.opspulse.catalog.MetricDefinition.counter;
import static io.opspulse.catalog.MetricDefinition.gauge;

import java.util.List;

/**
 * What the exporter's GPU collector publishes from NVML. Device metrics follow OpenTelemetry's
 * {@code hw.*} hardware conventions ({@code hw.gpu.utilization}, {@code hw.gpu.memory.usage}, ...)
 * as their Prometheus translation; what those conventions lack carries the {@code opspulse_gpu_}
 * prefix.
 */
public final class GpuMetrics {
  private GpuMetrics() {}

  /**
   * Labels that identify a GPU: its index on the host, its UUID (OpenTelemetry's hw.id), its model.
   */
  public static final List<String> GPU_LABELS = List.of("gpu", "hw_id", "hw_name");

  public static final MetricDefinition UTILIZATION =
      gauge("hw_gpu_utilization_ratio")
          .unit(Unit.RATIO)
          .labels(GPU_LABELS, "hw_gpu_task")
          .help(
              "Share of the last sample period the GPU was busy (hw_gpu_task=general) or its memory was read or written (memory).")
          .otel("hw.gpu.utilization")
          .build(Source.GPU);
  public static final MetricDefinition MEMORY_USAGE =
      gauge("hw_gpu_memory_usage_bytes")
          .unit(Unit.BYTES)
          .labels(GPU_LABELS)
          .help("GPU memory allocated.")
          .otel("hw.gpu.memory.usage")
          .build(Source.GPU);
  public static final MetricDefinition MEMORY_LIMIT =
      gauge("hw_gpu_memory_limit_bytes")
          .unit(Unit.BYTES)
          .labels(GPU_LABELS)
          .help("GPU memory in total.")
          .otel("hw.gpu.memory.limit")
          .build(Source.GPU);
  public static final MetricDefinition POWER =
      gauge("hw_power_watts")
          .unit(Unit.WATTS)
          .labels(GPU_LABELS)
          .help("Power the GPU draws.")
          .otel("hw.power")
          .build(Source.GPU);
  public static final MetricDefinition POWER_LIMIT =
      gauge("opspulse_gpu_power_limit_watts")
          .unit(Unit.WATTS)
          .labels(GPU_LABELS)
          .help("The power limit the driver enforces.")
          .build(Source.GPU);
  public static final MetricDefinition ENERGY =
      counter("hw_energy_joules_total")
          .unit(Unit.JOULES)
          .labels(GPU_LABELS)
          .help("Energy the GPU used since the driver loaded.")
          .otel("hw.energy")
          .build(Source.GPU);
  public static final MetricDefinition TEMPERATURE =
      gauge("hw_temperature_celsius")
          .unit(Unit.CELSIUS)
          .labels(GPU_LABELS)
          .help("The GPU die's temperature.")
          .otel("hw.temperature")
          .build(Source.GPU);
  public static final MetricDefinition ERRORS =
      counter("hw_errors_total")
          .labels(GPU_LABELS, "error_type")
          .help(
              "ECC memory errors since the driver loaded, by type (ecc_corrected, ecc_uncorrected).")
          .otel("hw.errors")
          .build(Source.GPU);
  public static final MetricDefinition CLOCK =
      gauge("opspulse_gpu_clock_hertz")
          .unit(Unit.HERTZ)
          .labels(GPU_LABELS, "clock")
          .help("Current SM and memory clocks.")
          .build(Source.GPU);
  public static final MetricDefinition THROTTLE =
      gauge("opspulse_gpu_throttle_active")
          .labels(GPU_LABELS, "reason")
          .help(
              "1 while a clock event (throttle) reason holds the clocks down, by reason; 0 otherwise.")
          .build(Source.GPU);
  public static final MetricDefinition LOST =
      gauge("opspulse_gpu_lost")
          .labels(GPU_LABELS)
          .help("1 when NVML reported the GPU lost (GPU_IS_LOST); its other readings stop.")
          .build(Source.GPU);

  /**
   * Labels of per-process series: container_id is the 12-digit short id, empty for host processes.
   */
  public static final List<String> PROCESS_LABELS =
      List.of("gpu", "hw_id", "pid", "container_id", "container_name", "compose_service");

  /** Labels of per-container series. */
  public static final List<String> CONTAINER_LABELS =
      List.of("gpu", "hw_id", "container_id", "container_name", "compose_service");

  public static final MetricDefinition PROCESS_MEMORY =
      gauge("opspulse_gpu_process_memory_bytes")
          .unit(Unit.BYTES)
          .labels(PROCESS_LABELS, "pid_exists", "process_type")
          .help(
              "GPU memory a process holds, by process type (compute, graphics, compute_graphics, mps); container labels empty for host processes, pid_exists=0 shows memory held by a gone pid.")
          .build(Source.GPU);
  public static final MetricDefinition PROCESS_SM_UTILIZATION =
      gauge("opspulse_gpu_process_sm_utilization_ratio")
          .unit(Unit.RATIO)
          .labels(PROCESS_LABELS)
          .help(
              "Share of the GPU's SMs a process kept busy over the samples since the previous poll (0 when it did no work).")
          .build(Source.GPU);
  public static final MetricDefinition CONTAINER_MEMORY =
      gauge("opspulse_gpu_container_memory_bytes")
          .unit(Unit.BYTES)
          .labels(CONTAINER_LABELS)
          .help(
              "GPU memory the processes of one container hold on one GPU; container_id empty sums host processes and gone pids.")
          .build(Source.GPU);
  public static final MetricDefinition CONTAINER_SM_UTILIZATION =
      gauge("opspulse_gpu_container_sm_utilization_ratio")
          .unit(Unit.RATIO)
          .labels(CONTAINER_LABELS)
          .help(
              "Share of the GPU's SMs the processes of one container kept busy over the last sample period.")
          .build(Source.GPU);
  public static final MetricDefinition PROBE_UP =
      gauge("opspulse_gpu_probe_up")
          .help("1 when NVML is loaded and answering; 0 when it is missing or failing.")
          .build(Source.GPU);
  public static final MetricDefinition PROBE_STATUS =
      gauge("opspulse_gpu_probe_status")
          .labels("status")
          .help(
              "Why the probe is or is not reporting (ok, library_missing, init_failed, ...), as a state set.")
          .build(Source.GPU);
  public static final MetricDefinition DEVICES =
      gauge("opspulse_gpu_devices").help("GPUs NVML reports on this host.").build(Source.GPU);
  public static final MetricDefinition POLL_DURATION =
      gauge("opspulse_gpu_poll_duration_seconds")
          .unit(Unit.SECONDS)
          .help("How long the last NVML poll of all GPUs took.")
          .build(Source.GPU);

  // What dcgm-exporter users alert on: XID errors, PCIe and NVLink health, retired pages and
  // remapped
  // rows (memory the GPU took out of service), MIG instances.

  public static final MetricDefinition XID_ERRORS =
      counter("opspulse_gpu_xid_errors_total")
          .labels(GPU_LABELS, "xid")
          .help(
              "Critical XID errors NVML reported for the GPU since the exporter started, by XID code (999: unknown).")
          .build(Source.GPU);
  public static final MetricDefinition PCIE_REPLAYS =
      counter("opspulse_gpu_pcie_replays_total")
          .labels(GPU_LABELS)
          .help("PCIe replays (link-level retransmissions) since the driver loaded.")
          .build(Source.GPU);
  public static final MetricDefinition PCIE_THROUGHPUT =
      gauge("opspulse_gpu_pcie_throughput_bytes_per_second")
          .unit(Unit.BYTES_PER_SECOND)
          .labels(GPU_LABELS, "direction")
          .help("PCIe traffic over NVML's last 20 ms sample, by direction (transmit, receive).")
          .build(Source.GPU);
  public static final MetricDefinition NVLINK_UP =
      gauge("opspulse_gpu_nvlink_up")
          .labels(GPU_LABELS, "link")
          .help(
              "1 for an active NVLink link, 0 for an inactive one; no series on GPUs without NVLink.")
          .build(Source.GPU);
  public static final MetricDefinition NVLINK_ERRORS =
      counter("opspulse_gpu_nvlink_errors_total")
          .labels(GPU_LABELS, "link", "error_type")
          .help(
              "NVLink data-link errors since the driver loaded, by link and type (replay, recovery, crc_flit, crc_data, ecc_data).")
          .build(Source.GPU);
  public static final MetricDefinition RETIRED_PAGES =
      gauge("opspulse_gpu_retired_pages")
          .labels(GPU_LABELS, "cause")
          .help(
              "GPU memory pages retired after ECC errors, by cause (single_bit_ecc: repeated single-bit errors, double_bit_ecc).")
          .build(Source.GPU);
  public static final MetricDefinition RETIRED_PAGES_PENDING =
      gauge("opspulse_gpu_retired_pages_pending")
          .labels(GPU_LABELS)
          .help("1 when a page retirement waits for the next driver reload or GPU reset.")
          .build(Source.GPU);
  public static final MetricDefinition REMAPPED_ROWS =
      gauge("opspulse_gpu_remapped_rows")
          .labels(GPU_LABELS, "error_type")
          .help(
              "Memory rows the GPU remapped to spare rows, by the error that caused it (correctable, uncorrectable).")
          .build(Source.GPU);
  public static final MetricDefinition ROW_REMAP_PENDING =
      gauge("opspulse_gpu_row_remap_pending")
          .labels(GPU_LABELS)
          .help("1 when a row remap waits for a GPU reset to take effect.")
          .build(Source.GPU);
  public static final MetricDefinition ROW_REMAP_FAILED =
      gauge("opspulse_gpu_row_remap_failed")
          .labels(GPU_LABELS)
          .help("1 when a row remap failed: the GPU ran out of spare rows and should be replaced.")
          .build(Source.GPU);
  public static final MetricDefinition MIG_ENABLED =
      gauge("opspulse_gpu_mig_enabled")
          .labels(GPU_LABELS)
          .help(
              "1 when the GPU runs in MIG mode (its memory and processes are split into instances).")
          .build(Source.GPU);

  /**
   * Labels of MIG instance series: the parent GPU, its GPU instance id and the instance's profile
   * (1g.10gb).
   */
  public static final List<String> MIG_LABELS =
      List.of("gpu", "hw_id", "hw_name", "gpu_instance_id", "mig_profile");

  public static final MetricDefinition MIG_MEMORY_USAGE =
      gauge("opspulse_gpu_mig_memory_usage_bytes")
          .unit(Unit.BYTES)
          .labels(MIG_LABELS)
          .help("GPU memory allocated in one MIG instance.")
          .build(Source.GPU);
  public static final MetricDefinition MIG_MEMORY_LIMIT =
      gauge("opspulse_gpu_mig_memory_limit_bytes")
          .unit(Unit.BYTES)
          .labels(MIG_LABELS)
          .help("GPU memory of one MIG instance in total.")
          .build(Source.GPU);
  public static final MetricDefinition MIG_PROCESS_MEMORY =
      gauge("opspulse_gpu_mig_process_memory_bytes")
          .unit(Unit.BYTES)
          .labels(
              List.of(
                  "gpu",
                  "hw_id",
                  "gpu_instance_id",
                  "mig_profile",
                  "pid",
                  "container_id",
                  "container_name",
                  "compose_service",
                  "process_type"))
          .help(
              "GPU memory a process holds in one MIG instance; container labels empty for host processes.")
          .build(Source.GPU);

  /**
   * {@code reason} on opspulse_gpu_throttle_active: NVML's clock event reasons, one series each.
   */
  public static final List<String> THROTTLE_REASONS =
      List.of(
          "gpu_idle",
          "applications_clocks_setting",
          "sw_power_cap",
          "hw_slowdown",
          "sync_boost",
          "sw_thermal_slowdown",
          "hw_thermal_slowdown",
          "hw_power_brake_slowdown",
          "display_clock_setting");

  /** {@code status} on opspulse_gpu_probe_status: exactly one is 1. */
  public static final List<String> PROBE_STATUSES =
      List.of("ok", "library_missing", "symbol_missing", "init_failed", "poll_failed", "closed");

  /** {@code hw_gpu_task} on hw_gpu_utilization_ratio. */
  public static final List<String> UTILIZATION_TASKS = List.of("general", "memory");

  /** {@code error_type} on hw_errors_total. */
  public static final List<String> ERROR_TYPES = List.of("ecc_corrected", "ecc_uncorrected");

  /** {@code clock} on opspulse_gpu_clock_hertz. */
  public static final List<String> CLOCKS = List.of("sm", "memory");

  /**
   * {@code process_type} on the process memory series: which of NVML's process lists named the pid.
   */
  public static final List<String> PROCESS_TYPES =
      List.of("compute", "graphics", "compute_graphics", "mps");

  /** {@code direction} on opspulse_gpu_pcie_throughput_bytes_per_second. */
  public static final List<String> PCIE_DIRECTIONS = List.of("transmit", "receive");

  /**
   * {@code error_type} on opspulse_gpu_nvlink_errors_total: NVML's nvmlNvLinkErrorCounter_t, in its
   * order.
   */
  public static final List<String> NVLINK_ERROR_TYPES =
      List.of("replay", "recovery", "crc_flit", "crc_data", "ecc_data");

  /**
   * {@code cause} on opspulse_gpu_retired_pages: NVML's nvmlPageRetirementCause_t, in its order.
   */
  public static final List<String> RETIREMENT_CAUSES = List.of("single_bit_ecc", "double_bit_ecc");

  /** {@code error_type} on opspulse_gpu_remapped_rows. */
  public static final List<String> REMAP_ERROR_TYPES = List.of("correctable", "uncorrectable");

  public static final List<MetricDefinition> ALL =
      List.of(
          UTILIZATION,
          MEMORY_USAGE,
          MEMORY_LIMIT,
          POWER,
          POWER_LIMIT,
          ENERGY,
          TEMPERATURE,
          ERRORS,
          CLOCK,
          THROTTLE,
          LOST,
          PROCESS_MEMORY,
          PROCESS_SM_UTILIZATION,
          CONTAINER_MEMORY,
          CONTAINER_SM_UTILIZATION,
          PROBE_UP,
          PROBE_STATUS,
          DEVICES,
          POLL_DURATION,
          XID_ERRORS,
          PCIE_REPLAYS,
          PCIE_THROUGHPUT,
          NVLINK_UP,
          NVLINK_ERRORS,
          RETIRED_PAGES,
          RETIRED_PAGES_PENDING,
          REMAPPED_ROWS,
          ROW_REMAP_PENDING,
          ROW_REMAP_FAILED,
          MIG_ENABLED,
          MIG_MEMORY_USAGE,
          MIG_MEMORY_LIMIT,
          MIG_PROCESS_MEMORY);
}
