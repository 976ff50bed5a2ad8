package io.opspulse.gpu;

import io.opspulse.catalog.GpuMetrics;
import io.opspulse.catalog.MetricDefinition;
import io.opspulse.catalog.prometheus.CatalogSnapshots;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns one {@link GpuSnapshot} into the catalog's GPU metric families. Names, types, units, help
 * and label names all come from {@link GpuMetrics} through the shared {@link CatalogSnapshots}; a
 * series whose label values do not match its definition's labels is a bug and throws.
 */
final class GpuMetricsWriter {
  private final CatalogSnapshots snapshots = new CatalogSnapshots();

  private GpuMetricsWriter() {}

  static MetricSnapshots write(GpuSnapshot snapshot, ContainerDirectory directory) {
    GpuMetricsWriter w = new GpuMetricsWriter();
    w.probe(snapshot);
    if (snapshot.ok()) {
      w.add(GpuMetrics.DEVICES, snapshot.devices().size());
      w.add(GpuMetrics.POLL_DURATION, snapshot.pollDuration().toNanos() / 1e9);
      for (GpuDevice d : snapshot.devices()) {
        w.device(d, directory);
      }
    }
    return w.snapshots.build();
  }

  private void probe(GpuSnapshot snapshot) {
    add(GpuMetrics.PROBE_UP, snapshot.ok() ? 1 : 0);
    for (ProbeStatus s : ProbeStatus.values()) {
      add(GpuMetrics.PROBE_STATUS, s == snapshot.status() ? 1 : 0, s.label());
    }
  }

  private void device(GpuDevice d, ContainerDirectory directory) {
    String gpu = Integer.toString(d.index());
    String id = d.uuid();
    String name = d.name();
    add(GpuMetrics.LOST, d.lost() ? 1 : 0, gpu, id, name);
    if (d.lost()) {
      return;
    }
    d.gpuUtilizationPercent()
        .ifPresent(v -> add(GpuMetrics.UTILIZATION, v / 100.0, gpu, id, name, "general"));
    d.memoryUtilizationPercent()
        .ifPresent(v -> add(GpuMetrics.UTILIZATION, v / 100.0, gpu, id, name, "memory"));
    d.memoryUsedBytes().ifPresent(v -> add(GpuMetrics.MEMORY_USAGE, v, gpu, id, name));
    d.memoryTotalBytes().ifPresent(v -> add(GpuMetrics.MEMORY_LIMIT, v, gpu, id, name));
    d.powerMilliwatts().ifPresent(v -> add(GpuMetrics.POWER, v / 1000.0, gpu, id, name));
    d.powerLimitMilliwatts().ifPresent(v -> add(GpuMetrics.POWER_LIMIT, v / 1000.0, gpu, id, name));
    d.energyMillijoules().ifPresent(v -> add(GpuMetrics.ENERGY, v / 1000.0, gpu, id, name));
    d.temperatureCelsius().ifPresent(v -> add(GpuMetrics.TEMPERATURE, v, gpu, id, name));
    d.eccCorrected().ifPresent(v -> add(GpuMetrics.ERRORS, v, gpu, id, name, "ecc_corrected"));
    d.eccUncorrected().ifPresent(v -> add(GpuMetrics.ERRORS, v, gpu, id, name, "ecc_uncorrected"));
    d.smClockMhz().ifPresent(v -> add(GpuMetrics.CLOCK, v * 1e6, gpu, id, name, "sm"));
    d.memoryClockMhz().ifPresent(v -> add(GpuMetrics.CLOCK, v * 1e6, gpu, id, name, "memory"));
    d.throttleReasons()
        .ifPresent(
            active -> {
              for (ThrottleReason r : ThrottleReason.values()) {
                add(GpuMetrics.THROTTLE, active.contains(r) ? 1 : 0, gpu, id, name, r.label());
              }
            });
    health(d.health(), gpu, id, name);
    d.migEnabled().ifPresent(on -> add(GpuMetrics.MIG_ENABLED, on ? 1 : 0, gpu, id, name));
    for (MigDevice m : d.migDevices()) {
      String gi = m.gpuInstanceId() < 0 ? "" : Integer.toString(m.gpuInstanceId());
      m.memoryUsedBytes()
          .ifPresent(v -> add(GpuMetrics.MIG_MEMORY_USAGE, v, gpu, id, name, gi, m.profile()));
      m.memoryTotalBytes()
          .ifPresent(v -> add(GpuMetrics.MIG_MEMORY_LIMIT, v, gpu, id, name, gi, m.profile()));
      for (GpuProcess p : m.processes()) {
        Attribution a = Attribution.of(p.owner(), directory);
        p.usedMemoryBytes()
            .ifPresent(
                v ->
                    add(
                        GpuMetrics.MIG_PROCESS_MEMORY,
                        v,
                        gpu,
                        id,
                        gi,
                        m.profile(),
                        Long.toString(p.pid()),
                        a.containerId(),
                        a.containerName(),
                        a.composeService(),
                        p.type().label()));
      }
    }
    Map<Attribution, double[]> byContainer = new LinkedHashMap<>();
    for (GpuProcess p : d.processes()) {
      Attribution a = Attribution.of(p.owner(), directory);
      String pid = Long.toString(p.pid());
      // {memory sum, sm sum, processes with an sm share}
      double[] sums = byContainer.computeIfAbsent(a, k -> new double[3]);
      p.usedMemoryBytes()
          .ifPresent(
              v -> {
                add(
                    GpuMetrics.PROCESS_MEMORY,
                    v,
                    gpu,
                    id,
                    pid,
                    a.containerId(),
                    a.containerName(),
                    a.composeService(),
                    p.pidExists() ? "1" : "0",
                    p.type().label());
                sums[0] += v;
              });
      p.smUtilizationPercent()
          .ifPresent(
              v -> {
                add(
                    GpuMetrics.PROCESS_SM_UTILIZATION,
                    v / 100.0,
                    gpu,
                    id,
                    pid,
                    a.containerId(),
                    a.containerName(),
                    a.composeService());
                sums[1] += v;
                sums[2]++;
              });
    }
    byContainer.forEach(
        (a, sums) -> {
          add(
              GpuMetrics.CONTAINER_MEMORY,
              sums[0],
              gpu,
              id,
              a.containerId(),
              a.containerName(),
              a.composeService());
          if (sums[2] > 0) {
            add(
                GpuMetrics.CONTAINER_SM_UTILIZATION,
                Math.min(1.0, sums[1] / 100.0),
                gpu,
                id,
                a.containerId(),
                a.containerName(),
                a.composeService());
          }
        });
  }

  private void health(GpuHealth h, String gpu, String id, String name) {
    h.xidErrors()
        .forEach((xid, n) -> add(GpuMetrics.XID_ERRORS, n, gpu, id, name, Long.toString(xid)));
    h.pcieReplays().ifPresent(v -> add(GpuMetrics.PCIE_REPLAYS, v, gpu, id, name));
    h.pcieTxBytesPerSecond()
        .ifPresent(v -> add(GpuMetrics.PCIE_THROUGHPUT, v, gpu, id, name, "transmit"));
    h.pcieRxBytesPerSecond()
        .ifPresent(v -> add(GpuMetrics.PCIE_THROUGHPUT, v, gpu, id, name, "receive"));
    for (NvLink l : h.nvLinks()) {
      String link = Integer.toString(l.link());
      add(GpuMetrics.NVLINK_UP, l.active() ? 1 : 0, gpu, id, name, link);
      l.errors().forEach((type, n) -> add(GpuMetrics.NVLINK_ERRORS, n, gpu, id, name, link, type));
    }
    h.retiredPagesSingleBit()
        .ifPresent(v -> add(GpuMetrics.RETIRED_PAGES, v, gpu, id, name, "single_bit_ecc"));
    h.retiredPagesDoubleBit()
        .ifPresent(v -> add(GpuMetrics.RETIRED_PAGES, v, gpu, id, name, "double_bit_ecc"));
    h.retiredPagesPending()
        .ifPresent(v -> add(GpuMetrics.RETIRED_PAGES_PENDING, v ? 1 : 0, gpu, id, name));
    h.remappedRows()
        .ifPresent(
            r -> {
              add(GpuMetrics.REMAPPED_ROWS, r.correctable(), gpu, id, name, "correctable");
              add(GpuMetrics.REMAPPED_ROWS, r.uncorrectable(), gpu, id, name, "uncorrectable");
              add(GpuMetrics.ROW_REMAP_PENDING, r.pending() ? 1 : 0, gpu, id, name);
              add(GpuMetrics.ROW_REMAP_FAILED, r.failed() ? 1 : 0, gpu, id, name);
            });
  }

  private void add(MetricDefinition def, double value, String... labelValues) {
    snapshots.family(def).add(value, labelValues);
  }
}
