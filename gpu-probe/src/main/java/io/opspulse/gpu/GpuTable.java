package io.opspulse.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/** An nvidia-smi-like text table of one snapshot, with the owning container of each process. */
final class GpuTable {
  private static final String NA = "N/A";

  private GpuTable() {}

  static String render(GpuSnapshot s, ContainerDirectory directory) {
    StringBuilder out = new StringBuilder();
    if (!s.ok()) {
      return out.append("No GPU readings (")
          .append(s.status().label())
          .append("): ")
          .append(s.reason())
          .append('\n')
          .toString();
    }
    out.append(
        String.format(
            Locale.ROOT,
            "NVML driver %s, %d GPU(s), polled in %.2f ms%n",
            s.driverVersion().isEmpty() ? NA : s.driverVersion(),
            s.devices().size(),
            s.pollDuration().toNanos() / 1e6));
    List<String[]> gpus = new ArrayList<>();
    gpus.add(
        new String[] {
          "GPU",
          "Name",
          "Bus-Id",
          "Temp",
          "Power / Cap",
          "Memory used / total",
          "Util",
          "Mem-Util",
          "SM / Mem MHz",
          "ECC corr/uncorr",
          "Throttle"
        });
    for (GpuDevice d : s.devices()) {
      if (d.lost()) {
        gpus.add(
            new String[] {
              Integer.toString(d.index()),
              d.name(),
              d.pciBusId(),
              "LOST",
              "",
              "",
              "",
              "",
              "",
              "",
              ""
            });
        continue;
      }
      gpus.add(
          new String[] {
            Integer.toString(d.index()),
            d.name().isEmpty() ? NA : d.name(),
            d.pciBusId().isEmpty() ? NA : d.pciBusId(),
            d.temperatureCelsius().isPresent() ? d.temperatureCelsius().getAsInt() + "C" : NA,
            watts(d.powerMilliwatts()) + " / " + watts(d.powerLimitMilliwatts()),
            mib(d.memoryUsedBytes()) + " / " + mib(d.memoryTotalBytes()),
            percent(d.gpuUtilizationPercent()),
            percent(d.memoryUtilizationPercent()),
            num(d.smClockMhz()) + " / " + num(d.memoryClockMhz()),
            num(d.eccCorrected()) + " / " + num(d.eccUncorrected()),
            d.throttleReasons()
                .map(
                    r ->
                        r.isEmpty()
                            ? "none"
                            : r.stream()
                                .sorted()
                                .map(ThrottleReason::label)
                                .collect(Collectors.joining(",")))
                .orElse(NA)
          });
    }
    table(out, gpus);
    out.append('\n');
    List<String[]> migs = new ArrayList<>();
    migs.add(
        new String[] {"GPU", "MIG", "GI", "Profile", "Memory used / total", "Processes", "UUID"});
    for (GpuDevice d : s.devices()) {
      for (MigDevice m : d.migDevices()) {
        migs.add(
            new String[] {
              Integer.toString(d.index()),
              Integer.toString(m.slot()),
              m.gpuInstanceId() < 0 ? NA : Integer.toString(m.gpuInstanceId()),
              m.profile(),
              mib(m.memoryUsedBytes()) + " / " + mib(m.memoryTotalBytes()),
              m.processes().stream()
                  .map(p -> Long.toString(p.pid()))
                  .collect(Collectors.joining(",")),
              m.uuid()
            });
      }
    }
    if (migs.size() > 1) {
      table(out, migs);
      out.append('\n');
    }
    List<String[]> procs = new ArrayList<>();
    procs.add(
        new String[] {
          "GPU", "PID", "Type", "Memory", "SM", "Container", "Service", "Container-Id"
        });
    for (GpuDevice d : s.devices()) {
      for (GpuProcess p : d.processes()) {
        Attribution a = Attribution.of(p.owner(), directory);
        String container = a.containerName();
        if (container.isEmpty()) {
          container =
              switch (p.owner().kind()) {
                case HOST -> "(host)";
                case GONE -> "(pid gone)";
                case UNKNOWN -> "(unreadable)";
                case CONTAINER -> "(unnamed)";
              };
        }
        if (!p.pidExists() && p.owner().kind() == ProcessOwner.Kind.CONTAINER) {
          container += " (pid gone)";
        }
        procs.add(
            new String[] {
              Integer.toString(d.index()),
              Long.toString(p.pid()),
              p.type().label(),
              mib(p.usedMemoryBytes()),
              percent(p.smUtilizationPercent()),
              container,
              a.composeService(),
              a.containerId()
            });
      }
    }
    if (procs.size() == 1) {
      out.append("No GPU processes.\n");
    } else {
      table(out, procs);
    }
    return out.toString();
  }

  private static void table(StringBuilder out, List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(String.format("%-" + widths[i] + "s", row[i]));
        if (i < row.length - 1) {
          line.append("  ");
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
  }

  private static String watts(OptionalLong milliwatts) {
    return milliwatts.isPresent() ? Math.round(milliwatts.getAsLong() / 1000.0) + "W" : NA;
  }

  private static String mib(OptionalLong bytes) {
    return bytes.isPresent() ? (bytes.getAsLong() / (1024 * 1024)) + "MiB" : NA;
  }

  private static String percent(OptionalInt v) {
    return v.isPresent() ? v.getAsInt() + "%" : NA;
  }

  private static String num(OptionalLong v) {
    return v.isPresent() ? Long.toString(v.getAsLong()) : NA;
  }
}
