package io.opspulse.catalog;

import static io.opspulse.catalog.MetricDefinition.counter;
import static io.opspulse.catalog.MetricDefinition.gauge;

import java.util.List;

/**
 * What the exporter's GPU collector publishes from NVML. Device metrics follow OpenTelemetry's
 * {@code hw.*} hardware conventions ({@code hw.gpu.utilization}, {@code hw.gpu.memory.usage}, ...) as
 * their Prometheus translation; what those conventions lack carries the {@code opspulse_gpu_} prefix.
 */
public final class GpuMetrics {
  private GpuMetrics() {}

  /** Labels that identify a GPU: its index on the host, its UUID (OpenTelemetry's hw.id), its model. */
  public static final List<String> GPU_LABELS = List.of("gpu", "hw_id", "hw_name");

  public static final MetricDefinition UTILIZATION = gauge("hw_gpu_utilization_ratio").unit(Unit.RATIO)
      .labels(GPU_LABELS, "hw_gpu_task")
      .help("Share of the last sample period the GPU was busy (hw_gpu_task=general) or its memory was read or written (memory).")
      .otel("hw.gpu.utilization").build(Source.GPU);
  public static final MetricDefinition MEMORY_USAGE = gauge("hw_gpu_memory_usage_bytes").unit(Unit.BYTES)
      .labels(GPU_LABELS).help("GPU memory allocated.").otel("hw.gpu.memory.usage").build(Source.GPU);
  public static final MetricDefinition MEMORY_LIMIT = gauge("hw_gpu_memory_limit_bytes").unit(Unit.BYTES)
      .labels(GPU_LABELS).help("GPU memory in total.").otel("hw.gpu.memory.limit").build(Source.GPU);
  public static final MetricDefinition POWER = gauge("hw_power_watts").unit(Unit.WATTS)
      .labels(GPU_LABELS).help("Power the GPU draws.").otel("hw.power").build(Source.GPU);
  public static final MetricDefinition POWER_LIMIT = gauge("opspulse_gpu_power_limit_watts").unit(Unit.WATTS)
      .labels(GPU_LABELS).help("The power limit the driver enforces.").build(Source.GPU);
  public static final MetricDefinition ENERGY = counter("hw_energy_joules_total").unit(Unit.JOULES)
      .labels(GPU_LABELS).help("Energy the GPU used since the driver loaded.").otel("hw.energy").build(Source.GPU);
  public static final MetricDefinition TEMPERATURE = gauge("hw_temperature_celsius").unit(Unit.CELSIUS)
      .labels(GPU_LABELS).help("The GPU die's temperature.").otel("hw.temperature").build(Source.GPU);
  public static final MetricDefinition ERRORS = counter("hw_errors_total")
      .labels(GPU_LABELS, "error_type")
      .help("ECC memory errors since the driver loaded, by type (ecc_corrected, ecc_uncorrected).")
      .otel("hw.errors").build(Source.GPU);
  public static final MetricDefinition CLOCK = gauge("opspulse_gpu_clock_hertz").unit(Unit.HERTZ)
      .labels(GPU_LABELS, "clock").help("Current SM and memory clocks.").build(Source.GPU);
  public static final MetricDefinition THROTTLE = gauge("opspulse_gpu_throttle_active")
      .labels(GPU_LABELS, "reason")
      .help("1 while a clock event (throttle) reason holds the clocks down, by reason; 0 otherwise.")
      .build(Source.GPU);
  public static final MetricDefinition LOST = gauge("opspulse_gpu_lost")
      .labels(GPU_LABELS).help("1 when NVML reported the GPU lost (GPU_IS_LOST); its other readings stop.")
      .build(Source.GPU);
  /** Labels of per-process series: container_id is the 12-digit short id, empty for host processes. */
  public static final List<String> PROCESS_LABELS =
      List.of("gpu", "hw_id", "pid", "container_id", "container_name", "compose_service");
  /** Labels of per-container series. */
  public static final List<String> CONTAINER_LABELS =
      List.of("gpu", "hw_id", "container_id", "container_name", "compose_service");

  public static final MetricDefinition PROCESS_MEMORY = gauge("opspulse_gpu_process_memory_bytes").unit(Unit.BYTES)
      .labels(PROCESS_LABELS, "pid_exists")
      .help("GPU memory a process holds; container labels empty for host processes, pid_exists=0 shows memory held by a gone pid.")
      .build(Source.GPU);
  public static final MetricDefinition PROCESS_SM_UTILIZATION = gauge("opspulse_gpu_process_sm_utilization_ratio")
      .unit(Unit.RATIO).labels(PROCESS_LABELS)
      .help("Share of the GPU's SMs a process kept busy over the samples since the previous poll (0 when it did no work).")
      .build(Source.GPU);
  public static final MetricDefinition CONTAINER_MEMORY = gauge("opspulse_gpu_container_memory_bytes").unit(Unit.BYTES)
      .labels(CONTAINER_LABELS)
      .help("GPU memory the processes of one container hold on one GPU; container_id empty sums host processes and gone pids.").build(Source.GPU);
  public static final MetricDefinition CONTAINER_SM_UTILIZATION = gauge("opspulse_gpu_container_sm_utilization_ratio")
      .unit(Unit.RATIO).labels(CONTAINER_LABELS)
      .help("Share of the GPU's SMs the processes of one container kept busy over the last sample period.")
      .build(Source.GPU);
  public static final MetricDefinition PROBE_UP = gauge("opspulse_gpu_probe_up")
      .help("1 when NVML is loaded and answering; 0 when it is missing or failing.").build(Source.GPU);
  public static final MetricDefinition PROBE_STATUS = gauge("opspulse_gpu_probe_status")
      .labels("status")
      .help("Why the probe is or is not reporting (ok, library_missing, init_failed, ...), as a state set.")
      .build(Source.GPU);
  public static final MetricDefinition DEVICES = gauge("opspulse_gpu_devices")
      .help("GPUs NVML reports on this host.").build(Source.GPU);
  public static final MetricDefinition POLL_DURATION = gauge("opspulse_gpu_poll_duration_seconds").unit(Unit.SECONDS)
      .help("How long the last NVML poll of all GPUs took.").build(Source.GPU);

  /** {@code reason} on opspulse_gpu_throttle_active: NVML's clock event reasons, one series each. */
  public static final List<String> THROTTLE_REASONS = List.of(
      "gpu_idle", "applications_clocks_setting", "sw_power_cap", "hw_slowdown", "sync_boost",
      "sw_thermal_slowdown", "hw_thermal_slowdown", "hw_power_brake_slowdown", "display_clock_setting");

  /** {@code status} on opspulse_gpu_probe_status: exactly one is 1. */
  public static final List<String> PROBE_STATUSES =
      List.of("ok", "library_missing", "symbol_missing", "init_failed", "poll_failed", "closed");

  /** {@code hw_gpu_task} on hw_gpu_utilization_ratio. */
  public static final List<String> UTILIZATION_TASKS = List.of("general", "memory");

  /** {@code error_type} on hw_errors_total. */
  public static final List<String> ERROR_TYPES = List.of("ecc_corrected", "ecc_uncorrected");

  /** {@code clock} on opspulse_gpu_clock_hertz. */
  public static final List<String> CLOCKS = List.of("sm", "memory");

  public static final List<MetricDefinition> ALL = List.of(
      UTILIZATION, MEMORY_USAGE, MEMORY_LIMIT, POWER, POWER_LIMIT, ENERGY, TEMPERATURE, ERRORS, CLOCK,
      THROTTLE, LOST, PROCESS_MEMORY, PROCESS_SM_UTILIZATION, CONTAINER_MEMORY, CONTAINER_SM_UTILIZATION, PROBE_UP, PROBE_STATUS,
      DEVICES, POLL_DURATION);
}
