package io.opspulse.gpu;

import io.opspulse.catalog.JsonStrings;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * One snapshot as JSON for machines: unavailable readings are null, and say why under
 * "unavailable".
 */
final class GpuJson {
  private final StringBuilder out = new StringBuilder();

  private GpuJson() {}

  static String render(GpuSnapshot s, ContainerDirectory directory) {
    GpuJson j = new GpuJson();
    j.out.append('{');
    j.field("status", s.status().label()).comma();
    j.field("reason", s.reason()).comma();
    j.field("driver_version", s.driverVersion()).comma();
    j.key("taken_at").string(s.takenAt().toString()).comma();
    j.key("poll_duration_seconds").out.append(s.pollDuration().toNanos() / 1e9);
    j.comma().key("gpus").out.append('[');
    boolean first = true;
    for (GpuDevice d : s.devices()) {
      if (!first) {
        j.comma();
      }
      first = false;
      j.device(d, directory);
    }
    j.out.append("]}\n");
    return j.out.toString();
  }

  private void device(GpuDevice d, ContainerDirectory directory) {
    out.append('{');
    key("index").out.append(d.index());
    comma()
        .field("uuid", d.uuid())
        .comma()
        .field("name", d.name())
        .comma()
        .field("pci_bus_id", d.pciBusId());
    comma().key("lost").out.append(d.lost());
    comma().num("utilization_gpu_percent", d.gpuUtilizationPercent());
    comma().num("utilization_memory_percent", d.memoryUtilizationPercent());
    comma().num("memory_used_bytes", d.memoryUsedBytes());
    comma().num("memory_total_bytes", d.memoryTotalBytes());
    comma().num("temperature_celsius", d.temperatureCelsius());
    comma().num("power_milliwatts", d.powerMilliwatts());
    comma().num("power_limit_milliwatts", d.powerLimitMilliwatts());
    comma().num("energy_millijoules", d.energyMillijoules());
    comma().num("sm_clock_mhz", d.smClockMhz());
    comma().num("memory_clock_mhz", d.memoryClockMhz());
    comma().key("throttle_reasons");
    if (d.throttleReasons().isEmpty()) {
      out.append("null");
    } else {
      out.append('[');
      boolean first = true;
      for (ThrottleReason r : ThrottleReason.values()) {
        if (d.throttleReasons().get().contains(r)) {
          if (!first) {
            comma();
          }
          first = false;
          string(r.label());
        }
      }
      out.append(']');
    }
    comma().num("ecc_corrected", d.eccCorrected());
    comma().num("ecc_uncorrected", d.eccUncorrected());
    comma().key("unavailable").out.append('{');
    boolean first = true;
    for (Map.Entry<GpuField, NvmlReturn> e : new TreeMap<>(d.unavailable()).entrySet()) {
      if (!first) {
        comma();
      }
      first = false;
      field(e.getKey().name().toLowerCase(java.util.Locale.ROOT), e.getValue().name());
    }
    out.append('}');
    comma().key("processes").out.append('[');
    first = true;
    for (GpuProcess p : d.processes()) {
      if (!first) {
        comma();
      }
      first = false;
      Attribution a = Attribution.of(p.owner(), directory);
      out.append('{');
      key("pid").out.append(p.pid());
      comma().field("type", p.type().label());
      comma().num("used_memory_bytes", p.usedMemoryBytes());
      comma().num("sm_utilization_percent", p.smUtilizationPercent());
      comma().key("pid_exists").out.append(p.pidExists());
      comma().field("owner", p.owner().kind().name().toLowerCase(java.util.Locale.ROOT));
      comma().field("runtime", p.owner().runtime());
      comma().field("container_id", a.containerId());
      comma().field("container_name", a.containerName());
      comma().field("compose_service", a.composeService());
      out.append('}');
    }
    out.append(']');
    comma().key("mig_devices").out.append('[');
    first = true;
    for (MigDevice m : d.migDevices()) {
      if (!first) {
        comma();
      }
      first = false;
      out.append('{');
      key("slot").out.append(m.slot());
      comma().field("uuid", m.uuid());
      comma().key("gpu_instance_id").out.append(m.gpuInstanceId());
      comma().field("profile", m.profile());
      comma().num("memory_used_bytes", m.memoryUsedBytes());
      comma().num("memory_total_bytes", m.memoryTotalBytes());
      comma().key("pids").out.append('[');
      for (int i = 0; i < m.processes().size(); i++) {
        out.append(i == 0 ? "" : ",").append(m.processes().get(i).pid());
      }
      out.append("]}");
    }
    out.append("]}");
  }

  private GpuJson num(String key, OptionalLong v) {
    key(key).out.append(v.isPresent() ? Long.toString(v.getAsLong()) : "null");
    return this;
  }

  private GpuJson num(String key, OptionalInt v) {
    key(key).out.append(v.isPresent() ? Integer.toString(v.getAsInt()) : "null");
    return this;
  }

  private GpuJson field(String key, String value) {
    return key(key).string(value);
  }

  private GpuJson key(String key) {
    string(key);
    out.append(':');
    return this;
  }

  private GpuJson comma() {
    out.append(',');
    return this;
  }

  private GpuJson string(String s) {
    JsonStrings.appendQuoted(out, s);
    return this;
  }
}
