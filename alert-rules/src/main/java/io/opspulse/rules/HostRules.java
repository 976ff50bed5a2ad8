package io.opspulse.rules;

import static io.opspulse.catalog.DockerMetrics.CONTAINER_MEMORY_LIMIT;
import static io.opspulse.catalog.DockerMetrics.CONTAINER_MEMORY_USAGE;
import static io.opspulse.catalog.DockerMetrics.CONTAINER_STATE;
import static io.opspulse.catalog.ExternalMetrics.NODE_CPU;
import static io.opspulse.catalog.ExternalMetrics.NODE_LOAD5;
import static io.opspulse.catalog.ExternalMetrics.NODE_MEMORY_AVAILABLE;
import static io.opspulse.catalog.ExternalMetrics.NODE_MEMORY_TOTAL;
import static io.opspulse.catalog.ExternalMetrics.NODE_PRESSURE_CPU_WAITING;
import static io.opspulse.catalog.ExternalMetrics.NODE_PRESSURE_IO_WAITING;
import static io.opspulse.catalog.ExternalMetrics.NODE_PRESSURE_MEMORY_WAITING;
import static io.opspulse.catalog.ExternalMetrics.NODE_PROCESSES_STATE;
import static io.opspulse.catalog.LabelValues.CONTAINER_STATES;
import static io.opspulse.rules.Promql.oneOf;

import io.opspulse.catalog.ExternalMetrics;
import io.opspulse.catalog.Thresholds;
import java.util.List;

/**
 * Rules over node_exporter: the host the containers share. Load and processes are read per CPU, so
 * one threshold fits a 2-core VM and a 64-core server. Pressure (PSI) series exist only on kernels
 * that have it; elsewhere that alert has nothing to evaluate and stays silent. Processes and
 * zombies need node_exporter's {@code --collector.processes}, which is off by default.
 *
 * <p>node_exporter and the opspulse exporter are two targets on one host, so their {@code instance}
 * labels differ in the port. The join between them (container memory limits against the host's
 * available memory) is on a {@code host} label cut from {@code instance}: everything before the
 * last colon.
 */
final class HostRules {
  static final String GROUP = "opspulse-host";

  static final String CPUS = "instance:node_cpus:count";
  static final String LOAD_PER_CPU = "instance:node_load5:ratio_cpus";
  static final String CPU_BUSY = "instance:node_cpu_busy_seconds:ratio_rate5m";
  static final String MEMORY_AVAILABLE = "instance:node_memory_available_bytes:ratio_total";
  static final String PRESSURE = "instance_resource:node_pressure_waiting_seconds:rate5m";
  static final String PROCESSES_PER_CPU = "instance:node_processes:ratio_cpus";
  static final String LIMIT_HEADROOM = "host:docker_container_memory_limit_headroom_bytes:sum";
  static final String NODE_SEEN = "instance:node_load5:latched";

  /** The host part of {@code instance} ("10.0.0.5:9100" → "10.0.0.5"; "[::1]:9838" → "[::1]"). */
  private static final String HOST_FROM_INSTANCE =
      "\"host\", \"$1\", \"instance\", \"(.*):[0-9]+\"";

  private HostRules() {}

  static RuleGroup group(Promql q) {
    String idle = "mode=\"idle\"";
    String running = "state=\"" + oneOf(CONTAINER_STATES, "running") + "\"";
    List<Rule> rules =
        List.of(
            new RecordingRule(CPUS, "count by (job, instance) (" + q.m(NODE_CPU, idle) + ")"),
            new RecordingRule(LOAD_PER_CPU, q.m(NODE_LOAD5) + "\n/ on (job, instance)\n" + CPUS),
            // iowait is idle time spent waiting on a disk: the CPU could have run something else.
            new RecordingRule(
                CPU_BUSY,
                "1 - sum by (job, instance) (rate("
                    + q.m(NODE_CPU, "mode=~\"idle|iowait\"")
                    + "[5m]))\n/ on (job, instance)\n"
                    + CPUS),
            new RecordingRule(
                MEMORY_AVAILABLE,
                q.m(NODE_MEMORY_AVAILABLE) + "\n/ on (job, instance)\n" + q.m(NODE_MEMORY_TOTAL)),
            new RecordingRule(
                PRESSURE,
                "label_replace(rate("
                    + q.m(NODE_PRESSURE_CPU_WAITING)
                    + "[5m]), \"resource\", \"cpu\", \"\", \"\")\nor\nlabel_replace(rate("
                    + q.m(NODE_PRESSURE_MEMORY_WAITING)
                    + "[5m]), \"resource\", \"memory\", \"\", \"\")\nor\nlabel_replace(rate("
                    + q.m(NODE_PRESSURE_IO_WAITING)
                    + "[5m]), \"resource\", \"io\", \"\", \"\")"),
            new RecordingRule(
                PROCESSES_PER_CPU,
                "sum by (job, instance) ("
                    + q.m(NODE_PROCESSES_STATE)
                    + ")\n/ on (job, instance)\n"
                    + CPUS),
            // What running containers may still grow into before their limits stop them. More than
            // the host
            // has available means the host's OOM killer, not the containers' limits, picks the
            // victim.
            new RecordingRule(
                LIMIT_HEADROOM,
                "sum by (host) (label_replace(\nclamp_min("
                    + q.m(CONTAINER_MEMORY_LIMIT)
                    + " - on (job, instance, id) "
                    + q.m(CONTAINER_MEMORY_USAGE)
                    + ", 0)\nand on (job, instance, id) ("
                    + q.m(CONTAINER_STATE, running)
                    + " == 1),\n"
                    + HOST_FROM_INSTANCE
                    + "))"),
            FleetRules.latch(NODE_SEEN, "present_over_time(" + q.m(NODE_LOAD5) + "[1d])", q),
            AlertRule.builder("OpspulseNodeExporterDown")
                .expr(q.m(ExternalMetrics.UP) + " == 0\nand on (job, instance)\n" + NODE_SEEN)
                .forDuration("5m")
                .severity(Severity.WARNING)
                .summary("Prometheus cannot scrape a node_exporter.")
                .description(
                    "The node_exporter at {{ $labels.instance }} (job {{ $labels.job }}) has not been scraped"
                        + " for 5 minutes or more; the host alerts for that host are blind.")
                .build(),
            AlertRule.builder("OpspulseHostLoadHigh")
                .expr(LOAD_PER_CPU + " > " + q.t(Thresholds.HOST_LOAD_PER_CORE))
                .forDuration(q.forOf(Thresholds.HOST_LOAD_PER_CORE))
                .severity(Severity.WARNING)
                .summary("A host's load average is above its CPU count.")
                .description(
                    "{{ $labels.instance }} has a 5-minute load of {{ $value | printf \"%.2f\" }} per CPU"
                        + " (above "
                        + q.t(Thresholds.HOST_LOAD_PER_CORE)
                        + ").")
                .build(),
            AlertRule.builder("OpspulseHostCpuSaturated")
                .expr(CPU_BUSY + " > " + q.t(Thresholds.HOST_CPU_BUSY))
                .forDuration(q.forOf(Thresholds.HOST_CPU_BUSY))
                .severity(Severity.WARNING)
                .summary("A host's CPUs are nearly always busy.")
                .description(
                    "The CPUs of {{ $labels.instance }} are {{ $value | humanizePercentage }} busy (above "
                        + q.pct(Thresholds.HOST_CPU_BUSY)
                        + ").")
                .build(),
            AlertRule.builder("OpspulseHostMemoryAvailableLow")
                .expr(MEMORY_AVAILABLE + " < " + q.t(Thresholds.HOST_MEMORY_AVAILABLE_WARNING))
                .forDuration(q.forOf(Thresholds.HOST_MEMORY_AVAILABLE_WARNING))
                .severity(Severity.WARNING)
                .summary("A host has little memory available.")
                .description(
                    "{{ $labels.instance }} has {{ $value | humanizePercentage }} of its memory available"
                        + " (warning below "
                        + q.pct(Thresholds.HOST_MEMORY_AVAILABLE_WARNING)
                        + ").")
                .build(),
            AlertRule.builder("OpspulseHostMemoryAvailableLow")
                .expr(MEMORY_AVAILABLE + " < " + q.t(Thresholds.HOST_MEMORY_AVAILABLE_CRITICAL))
                .forDuration(q.forOf(Thresholds.HOST_MEMORY_AVAILABLE_CRITICAL))
                .severity(Severity.CRITICAL)
                .summary("A host has little memory available.")
                .description(
                    "{{ $labels.instance }} has {{ $value | humanizePercentage }} of its memory available"
                        + " (critical below "
                        + q.pct(Thresholds.HOST_MEMORY_AVAILABLE_CRITICAL)
                        + ").")
                .build(),
            AlertRule.builder("OpspulseHostPressureHigh")
                .expr(
                    "("
                        + PRESSURE
                        + "{resource=\"cpu\"} > "
                        + q.t(Thresholds.HOST_CPU_PRESSURE)
                        + ")\nor\n("
                        + PRESSURE
                        + "{resource=\"memory\"} > "
                        + q.t(Thresholds.HOST_MEMORY_PRESSURE)
                        + ")\nor\n("
                        + PRESSURE
                        + "{resource=\"io\"} > "
                        + q.t(Thresholds.HOST_IO_PRESSURE)
                        + ")")
                .forDuration(q.forOf(Thresholds.HOST_CPU_PRESSURE))
                .severity(Severity.WARNING)
                .summary(
                    "Tasks on a host keep stalling on CPU, memory or I/O (pressure stall information).")
                .description(
                    "Some task on {{ $labels.instance }} waited on {{ $labels.resource }}"
                        + " {{ $value | humanizePercentage }} of the time (thresholds: cpu "
                        + q.pct(Thresholds.HOST_CPU_PRESSURE)
                        + ", memory "
                        + q.pct(Thresholds.HOST_MEMORY_PRESSURE)
                        + ", io "
                        + q.pct(Thresholds.HOST_IO_PRESSURE)
                        + ").")
                .build(),
            AlertRule.builder("OpspulseHostTooManyProcesses")
                .expr(PROCESSES_PER_CPU + " > " + q.t(Thresholds.HOST_PROCESSES_PER_CORE))
                .forDuration(q.forOf(Thresholds.HOST_PROCESSES_PER_CORE))
                .severity(Severity.WARNING)
                .summary("A host runs far more processes than it has CPUs.")
                .description(
                    "{{ $labels.instance }} has {{ $value | printf \"%.0f\" }} processes per CPU (above "
                        + q.t(Thresholds.HOST_PROCESSES_PER_CORE)
                        + "): something is spawning more than it reaps or runs.")
                .build(),
            AlertRule.builder("OpspulseHostZombieProcesses")
                .expr(
                    "sum by (job, instance) ("
                        + q.m(NODE_PROCESSES_STATE, "state=\"Z\"")
                        + ") > "
                        + q.t(Thresholds.HOST_ZOMBIES))
                .forDuration(q.forOf(Thresholds.HOST_ZOMBIES))
                .severity(Severity.WARNING)
                .summary("Zombie processes pile up on a host.")
                .description(
                    "{{ $labels.instance }} has {{ $value | printf \"%.0f\" }} zombie processes (more than "
                        + q.t(Thresholds.HOST_ZOMBIES)
                        + "): a parent is not reaping its children.")
                .build(),
            AlertRule.builder("OpspulseHostMemoryLimitsExceedAvailable")
                .expr(
                    LIMIT_HEADROOM
                        + "\n> on (host)\nsum by (host) (label_replace("
                        + q.m(NODE_MEMORY_AVAILABLE)
                        + ", "
                        + HOST_FROM_INSTANCE
                        + "))")
                .forDuration(q.forOf(Thresholds.LIMITS_OVERCOMMIT))
                .severity(Severity.WARNING)
                .summary("Running containers may grow past the memory the host has available.")
                .description(
                    "Containers on {{ $labels.host }} may still grow by {{ $value | humanize1024 }}B before"
                        + " their memory limits stop them, more than the host has available: the host's OOM killer would"
                        + " choose the victim.")
                .build());
    return new RuleGroup(GROUP, rules);
  }
}
