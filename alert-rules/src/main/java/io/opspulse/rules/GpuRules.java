package io.opspulse.rules;

import static io.opspulse.catalog.GpuMetrics.DEVICES;
import static io.opspulse.catalog.GpuMetrics.ERRORS;
import static io.opspulse.catalog.GpuMetrics.ERROR_TYPES;
import static io.opspulse.catalog.GpuMetrics.LOST;
import static io.opspulse.catalog.GpuMetrics.MEMORY_LIMIT;
import static io.opspulse.catalog.GpuMetrics.MEMORY_USAGE;
import static io.opspulse.catalog.GpuMetrics.PROBE_UP;
import static io.opspulse.catalog.GpuMetrics.RETIRED_PAGES_PENDING;
import static io.opspulse.catalog.GpuMetrics.ROW_REMAP_FAILED;
import static io.opspulse.catalog.GpuMetrics.ROW_REMAP_PENDING;
import static io.opspulse.catalog.GpuMetrics.THROTTLE;
import static io.opspulse.catalog.GpuMetrics.THROTTLE_REASONS;
import static io.opspulse.catalog.GpuMetrics.UTILIZATION;
import static io.opspulse.catalog.GpuMetrics.UTILIZATION_TASKS;
import static io.opspulse.catalog.GpuMetrics.XID_ERRORS;
import static io.opspulse.rules.Promql.oneOf;

import io.opspulse.catalog.ExternalMetrics;
import io.opspulse.catalog.Thresholds;
import java.util.List;

/**
 * Rules over the exporter's NVML readings: idle and underused GPUs, throttling, errors, lost GPUs.
 */
final class GpuRules {
  static final String GROUP = "opspulse-gpu";

  static final String MEMORY_RATIO = "gpu:hw_gpu_memory_usage_bytes:ratio_limit";
  static final String UTILIZATION_AVG = "gpu:hw_gpu_utilization_ratio:avg10m";
  static final String GPUS_SEEN = "instance:opspulse_gpu_devices:latched";

  /** The labels that identify one GPU on one host. */
  private static final String GPU = "job, instance, gpu, hw_id, hw_name";

  /**
   * XIDs that mean the hardware (memory, NVLink, the bus, the GSP firmware) failed, not the
   * application: the set NVIDIA's XID catalogue and dcgm-exporter users page on. Others (13, 31,
   * 43, 45: a program's fault or its own exit) only warn.
   */
  static final String HARDWARE_XIDS = "48|61|62|63|64|74|79|92|94|95|119|120";

  private GpuRules() {}

  /**
   * An XID counter steps when the event arrives, and a code's series first appears at 1: increase()
   * sees nothing in a series' first sample, so a series that is new within the window counts too.
   */
  private static String newXids(Promql q, String xidMatcher) {
    String x = q.m(XID_ERRORS, xidMatcher);
    return "increase(" + x + "[15m]) > 0\nor\n(" + x + " unless " + x + " offset 15m)";
  }

  static RuleGroup group(Promql q) {
    // Thermal slowdowns and the external power brake hold clocks down below what the workload asks
    // for. sw_power_cap is left out: a fully loaded GPU sits at its power limit as a matter of
    // course.
    String throttleReasons =
        "reason=~\""
            + oneOf(
                THROTTLE_REASONS,
                "hw_slowdown",
                "sw_thermal_slowdown",
                "hw_thermal_slowdown",
                "hw_power_brake_slowdown")
            + "\"";
    String general = "hw_gpu_task=\"" + oneOf(UTILIZATION_TASKS, "general") + "\"";

    List<Rule> rules =
        List.of(
            new RecordingRule(MEMORY_RATIO, q.m(MEMORY_USAGE) + " / " + q.m(MEMORY_LIMIT)),
            // Ten minutes smooths NVML's per-sample jitter, so a single busy poll does not reset a
            // 1h `for`.
            new RecordingRule(
                UTILIZATION_AVG, "avg_over_time(" + q.m(UTILIZATION, general) + "[10m])"),
            FleetRules.latch(GPUS_SEEN, "max_over_time(" + q.m(DEVICES) + "[1d]) > 0", q),
            AlertRule.builder("OpspulseGpuIdleWithMemoryAllocated")
                .expr(
                    "max_over_time("
                        + q.m(UTILIZATION, general)
                        + "[5m]) < "
                        + q.t(Thresholds.GPU_IDLE_UTILIZATION)
                        + "\nand on ("
                        + GPU
                        + ")\n"
                        + MEMORY_RATIO
                        + " > "
                        + q.t(Thresholds.GPU_IDLE_MEMORY))
                .forDuration(q.forOf(Thresholds.GPU_IDLE_UTILIZATION))
                .severity(Severity.WARNING)
                .summary("A GPU sits idle while its memory is allocated.")
                .description(
                    "GPU {{ $labels.gpu }} ({{ $labels.hw_name }}) on {{ $labels.instance }} has been idle"
                        + " for 30 minutes while more than "
                        + q.pct(Thresholds.GPU_IDLE_MEMORY)
                        + " of its memory is allocated.")
                .build(),
            AlertRule.builder("OpspulseGpuUnderutilized")
                .expr(UTILIZATION_AVG + " < " + q.t(Thresholds.GPU_LOW_UTILIZATION))
                .forDuration(q.forOf(Thresholds.GPU_LOW_UTILIZATION))
                .severity(Severity.INFO)
                .summary("A GPU has been underused for an hour.")
                .description(
                    "GPU {{ $labels.gpu }} ({{ $labels.hw_name }}) on {{ $labels.instance }} averages"
                        + " {{ $value | humanizePercentage }} utilisation (below "
                        + q.pct(Thresholds.GPU_LOW_UTILIZATION)
                        + ").")
                .build(),
            AlertRule.builder("OpspulseGpuThrottled")
                .expr(q.m(THROTTLE, throttleReasons) + " == 1")
                .forDuration("10m")
                .severity(Severity.WARNING)
                .summary("A GPU's clocks are held down by a thermal slowdown or a power brake.")
                .description(
                    "GPU {{ $labels.gpu }} ({{ $labels.hw_name }}) on {{ $labels.instance }} is throttled:"
                        + " {{ $labels.reason }}.")
                .build(),
            AlertRule.builder("OpspulseGpuEccErrors")
                .expr(
                    "increase("
                        + q.m(
                            ERRORS, "error_type=\"" + oneOf(ERROR_TYPES, "ecc_uncorrected") + "\"")
                        + "[15m]) > 0")
                // An uncorrectable ECC error is an event: the counter steps once, and the 15m
                // window already
                // holds it; a pending period would only delay draining the GPU.
                .instantBecause(
                    "an uncorrectable ECC error is an event; the 15m increase window already holds it")
                .severity(Severity.CRITICAL)
                .summary("A GPU reported uncorrectable ECC memory errors.")
                .description(
                    "GPU {{ $labels.gpu }} ({{ $labels.hw_name }}, {{ $labels.hw_id }}) on {{ $labels.instance }}"
                        + " reported {{ $value | printf \"%.0f\" }} uncorrectable ECC errors in 15 minutes.")
                .build(),
            AlertRule.builder("OpspulseGpuLost")
                .expr(q.m(LOST) + " == 1")
                .forDuration("1m")
                .severity(Severity.CRITICAL)
                .summary("NVML reports a GPU lost.")
                .description(
                    "GPU {{ $labels.gpu }} ({{ $labels.hw_name }}, {{ $labels.hw_id }}) on"
                        + " {{ $labels.instance }} fell off the bus (GPU_IS_LOST); its work has stopped.")
                .build(),
            AlertRule.builder("OpspulseGpuCountDropped")
                .expr(
                    q.m(DEVICES)
                        + "\n< on (job, instance)\nmax_over_time("
                        + q.m(DEVICES)
                        + "[1d])")
                .forDuration("5m")
                .severity(Severity.CRITICAL)
                .summary("A host reports fewer GPUs than it had during the last day.")
                .description(
                    "{{ $labels.instance }} reports {{ $value | printf \"%.0f\" }} GPUs, fewer than it had"
                        + " during the last day.")
                .build(),
            AlertRule.builder("OpspulseGpuXidError")
                .expr(newXids(q, "xid=~\"" + HARDWARE_XIDS + "\""))
                .instantBecause("an XID is an event; the 15m window already holds it")
                .severity(Severity.CRITICAL)
                .summary("A GPU reported a hardware XID error.")
                .description(
                    "GPU {{ $labels.gpu }} ({{ $labels.hw_name }}, {{ $labels.hw_id }}) on {{ $labels.instance }}"
                        + " reported XID {{ $labels.xid }} in the last 15 minutes.")
                .build(),
            AlertRule.builder("OpspulseGpuApplicationXid")
                .expr(newXids(q, "xid!~\"" + HARDWARE_XIDS + "\""))
                .instantBecause("an XID is an event; the 15m window already holds it")
                .severity(Severity.WARNING)
                .summary("A GPU reported an XID error caused by a program or the driver.")
                .description(
                    "GPU {{ $labels.gpu }} ({{ $labels.hw_name }}) on {{ $labels.instance }} reported XID"
                        + " {{ $labels.xid }} in the last 15 minutes.")
                .build(),
            AlertRule.builder("OpspulseGpuRowRemapFailed")
                .expr(q.m(ROW_REMAP_FAILED) + " == 1")
                .forDuration("1m")
                .severity(Severity.CRITICAL)
                .summary("A GPU ran out of spare memory rows.")
                .description(
                    "GPU {{ $labels.gpu }} ({{ $labels.hw_name }}, {{ $labels.hw_id }}) on {{ $labels.instance }}"
                        + " could not remap a failing memory row: it should be replaced.")
                .build(),
            AlertRule.builder("OpspulseGpuMemoryRepairPending")
                .expr(q.m(ROW_REMAP_PENDING) + " == 1\nor\n" + q.m(RETIRED_PAGES_PENDING) + " == 1")
                .forDuration("10m")
                .severity(Severity.WARNING)
                .summary("A GPU needs a reset to take failing memory out of service.")
                .description(
                    "GPU {{ $labels.gpu }} ({{ $labels.hw_name }}) on {{ $labels.instance }} has a row remap or"
                        + " page retirement waiting for the next GPU reset or driver reload.")
                .build(),
            // Silence is the failure here: a probe that stopped answering publishes no GPU
            // readings, so every
            // other GPU alert goes quiet. "GPUs were seen" is the latch (a device count above zero
            // once, kept
            // while the target is scraped, however long the probe stays down); "exporter up" keeps
            // this from
            // doubling OpspulseExporterDown.
            AlertRule.builder("OpspulseGpuProbeDown")
                .expr(
                    GPUS_SEEN
                        + "\nunless on (job, instance)\n("
                        + q.m(PROBE_UP)
                        + " == 1)\nand on (job, instance)\n("
                        + q.m(ExternalMetrics.UP)
                        + " == 1)")
                .forDuration("10m")
                .severity(Severity.WARNING)
                .summary("The GPU probe stopped reporting on a host where GPUs were seen.")
                .description(
                    "The exporter at {{ $labels.instance }} has seen GPUs but its GPU probe is not"
                        + " answering; GPU alerts for that host are blind.")
                .build());
    return new RuleGroup(GROUP, rules);
  }
}
