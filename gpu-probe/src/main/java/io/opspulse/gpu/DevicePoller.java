package io.opspulse.gpu;

import com.sun.jna.Pointer;
import io.opspulse.catalog.GpuMetrics;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Reads every field of one GPU, each on its own: a field NVML refuses (NOT_SUPPORTED,
 * NO_PERMISSION, a symbol this driver lacks) is recorded as unavailable and the next field is read.
 * GPU_IS_LOST on any call stops that device's readings and marks it lost. State kept between polls:
 * the identity of each GPU (so a lost one keeps its labels), the last utilisation sample seen, and
 * who owned each pid.
 */
final class DevicePoller {
  private final Nvml nvml;
  private final CgroupOwners cgroups;
  private final XidWatcher xids;
  private final PcieSampler pcie;
  private final Map<Integer, Identity> identities = new HashMap<>();
  private final Map<Integer, Long> lastSampleMicros = new HashMap<>();
  private final Map<Integer, Integer> nvLinkCounts = new HashMap<>();
  private Map<Long, ProcessOwner> owners = new HashMap<>();
  private Map<Long, ProcessOwner> ownersThisPoll = new HashMap<>();

  private record Identity(String uuid, String name, String pciBusId) {}

  private static final class Lost extends RuntimeException {
    Lost() {
      super(null, null, false, false);
    }
  }

  DevicePoller(Nvml nvml, CgroupOwners cgroups, XidWatcher xids, PcieSampler pcie) {
    this.nvml = nvml;
    this.cgroups = cgroups;
    this.xids = xids;
    this.pcie = pcie;
  }

  List<GpuDevice> pollAll(int count) {
    ownersThisPoll = new HashMap<>();
    List<GpuDevice> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(poll(i));
    }
    owners = ownersThisPoll;
    return out;
  }

  private GpuDevice poll(int index) {
    Reading r = new Reading(index, identities.get(index));
    try {
      Pointer h;
      try {
        h = nvml.handle(index);
      } catch (NvmlException e) {
        if (e.code() == NvmlReturn.GPU_IS_LOST) {
          throw new Lost();
        }
        for (GpuField f : GpuField.values()) {
          r.unavailable.put(f, e.code());
        }
        return r.build();
      }
      r.read(GpuField.NAME, () -> nvml.name(h)).ifPresent(v -> r.name = v);
      r.read(GpuField.UUID, () -> nvml.uuid(h)).ifPresent(v -> r.uuid = v);
      r.read(GpuField.PCI_BUS_ID, () -> nvml.pciBusId(h)).ifPresent(v -> r.pci = v);
      identities.put(index, new Identity(r.uuid, r.name, r.pci));
      r.read(GpuField.UTILIZATION, () -> nvml.utilization(h))
          .ifPresent(
              u -> {
                r.gpuUtil = OptionalInt.of(u[0]);
                r.memUtil = OptionalInt.of(u[1]);
              });
      r.read(GpuField.MEMORY, () -> nvml.memory(h))
          .ifPresent(
              m -> {
                r.memUsed = OptionalLong.of(m[0]);
                r.memTotal = OptionalLong.of(m[1]);
              });
      r.temperature =
          r.read(GpuField.TEMPERATURE, () -> nvml.temperatureCelsius(h))
              .map(OptionalInt::of)
              .orElse(OptionalInt.empty());
      r.power = optionalLong(r.read(GpuField.POWER, () -> nvml.powerMilliwatts(h)));
      r.powerLimit = optionalLong(r.read(GpuField.POWER_LIMIT, () -> nvml.powerLimitMilliwatts(h)));
      r.energy = optionalLong(r.read(GpuField.ENERGY, () -> nvml.energyMillijoules(h)));
      r.smClock =
          optionalLong(r.read(GpuField.SM_CLOCK, () -> nvml.clockMhz(h, NvmlLayouts.CLOCK_SM)));
      r.memClock =
          optionalLong(
              r.read(GpuField.MEMORY_CLOCK, () -> nvml.clockMhz(h, NvmlLayouts.CLOCK_MEM)));
      r.throttle =
          r.read(
              GpuField.THROTTLE_REASONS, () -> ThrottleReason.fromMask(nvml.clockEventReasons(h)));
      r.eccCorrected =
          optionalLong(
              r.read(GpuField.ECC_CORRECTED, () -> nvml.eccErrors(h, NvmlLayouts.ECC_CORRECTED)));
      r.eccUncorrected =
          optionalLong(
              r.read(
                  GpuField.ECC_UNCORRECTED, () -> nvml.eccErrors(h, NvmlLayouts.ECC_UNCORRECTED)));
      Optional<List<Listed>> processes = processes(r, h);
      long since = lastSampleMicros.getOrDefault(index, 0L);
      Optional<List<Nvml.RawSample>> samples =
          r.read(GpuField.PROCESS_UTILIZATION, () -> nvml.processUtilization(h, since));
      samples.ifPresent(
          s ->
              s.stream()
                  .mapToLong(Nvml.RawSample::timestampMicros)
                  .max()
                  .ifPresent(max -> lastSampleMicros.put(index, Math.max(since, max))));
      processes.ifPresent(list -> r.processes = attribute(list, samples));
      health(r, h, index);
      r.migEnabled = r.read(GpuField.MIG_MODE, () -> nvml.migEnabled(h));
      if (r.migEnabled.orElse(false)) {
        r.migDevices = migDevices(r, h);
      }
      return r.build();
    } catch (Lost lost) {
      r.lost = true;
      return r.build();
    }
  }

  /** A pid as NVML's lists name it: memory (or VALUE_NOT_AVAILABLE) and its type. */
  private record Listed(long pid, long usedMemory, ProcessType type) {}

  /**
   * The compute, graphics and MPS lists merged into one entry per pid. With MIG a process appears
   * once per GPU instance it uses: its memory is summed within a list. A pid in two lists
   * (nvidia-smi's C+G) is one process whose memory both lists report: the larger reading is kept,
   * never the sum. Empty when not even the compute list could be read.
   */
  private Optional<List<Listed>> processes(Reading r, Pointer h) {
    Optional<List<Nvml.RawProcess>> compute =
        r.read(GpuField.PROCESSES, () -> nvml.runningProcesses(h, nvml.library().computeProcesses));
    Optional<List<Nvml.RawProcess>> graphics =
        r.read(
            GpuField.GRAPHICS_PROCESSES,
            () -> nvml.runningProcesses(h, nvml.library().graphicsProcesses));
    Optional<List<Nvml.RawProcess>> mps =
        r.read(GpuField.MPS_PROCESSES, () -> nvml.runningProcesses(h, nvml.library().mpsProcesses));
    if (compute.isEmpty() && graphics.isEmpty() && mps.isEmpty()) {
      return Optional.empty();
    }
    Map<Long, long[]> byPid = new LinkedHashMap<>(); // pid -> {memory, compute, graphics, mps}
    List<Optional<List<Nvml.RawProcess>>> lists = List.of(compute, graphics, mps);
    for (int l = 0; l < lists.size(); l++) {
      Map<Long, Long> summed = new LinkedHashMap<>();
      for (Nvml.RawProcess p : lists.get(l).orElse(List.of())) {
        summed.merge(p.pid(), p.usedMemory(), DevicePoller::addMemory);
      }
      int list = l;
      summed.forEach(
          (pid, memory) -> {
            long[] e = byPid.computeIfAbsent(pid, k -> new long[] {Long.MIN_VALUE, 0, 0, 0});
            e[0] = e[0] == Long.MIN_VALUE ? memory : maxMemory(e[0], memory);
            e[1 + list] = 1;
          });
    }
    List<Listed> out = new ArrayList<>(byPid.size());
    byPid.forEach(
        (pid, e) ->
            out.add(new Listed(pid, e[0], ProcessType.of(e[1] == 1, e[2] == 1, e[3] == 1))));
    return Optional.of(out);
  }

  private static long addMemory(long a, long b) {
    return a == NvmlLayouts.VALUE_NOT_AVAILABLE || b == NvmlLayouts.VALUE_NOT_AVAILABLE
        ? NvmlLayouts.VALUE_NOT_AVAILABLE
        : a + b;
  }

  private static long maxMemory(long a, long b) {
    if (a == NvmlLayouts.VALUE_NOT_AVAILABLE) {
      return b;
    }
    return b == NvmlLayouts.VALUE_NOT_AVAILABLE ? a : Math.max(a, b);
  }

  /** XID counts, PCIe, NVLink, retired pages and remapped rows: each on its own. */
  private void health(Reading r, Pointer h, int index) {
    r.xids = xids.counts(index);
    NvmlReturn xidReason = xids.unavailable(index);
    if (xidReason != null) {
      r.unavailable.put(GpuField.XID_EVENTS, xidReason);
    }
    r.pcieReplays = optionalLong(r.read(GpuField.PCIE_REPLAYS, () -> nvml.pcieReplays(h)));
    // Sampled on the PCIe thread: a throughput call takes 20 ms.
    pcie.latest(index)
        .ifPresent(
            sample -> {
              r.pcieTx = sample.txBytesPerSecond();
              r.pcieRx = sample.rxBytesPerSecond();
              sample
                  .unavailable()
                  .ifPresent(code -> r.unavailable.put(GpuField.PCIE_THROUGHPUT, code));
            });
    r.nvLinks = nvLinks(r, h, index);
    r.retiredSingle =
        optionalLong(
            r.read(
                GpuField.RETIRED_PAGES,
                () -> nvml.retiredPages(h, NvmlLayouts.RETIREMENT_SINGLE_BIT)));
    r.retiredDouble =
        optionalLong(
            r.read(
                GpuField.RETIRED_PAGES,
                () -> nvml.retiredPages(h, NvmlLayouts.RETIREMENT_DOUBLE_BIT)));
    r.retiredPending = r.read(GpuField.RETIRED_PAGES, () -> nvml.retiredPagesPending(h));
    r.remapped =
        r.read(GpuField.REMAPPED_ROWS, () -> nvml.remappedRows(h))
            .map(v -> new RemappedRows(v[0], v[1], v[2] != 0, v[3] != 0));
  }

  /**
   * Links are asked for in order until the GPU says there are no more (INVALID_ARGUMENT past its
   * last link, NOT_SUPPORTED without NVLink): a GPU without NVLink has no links and no series.
   */
  private List<NvLink> nvLinks(Reading r, Pointer h, int index) {
    List<NvLink> links = new ArrayList<>();
    // Links do not come and go: once the end was found, later polls ask exactly that many.
    int known = nvLinkCounts.getOrDefault(index, NvmlLayouts.NVLINK_MAX_LINKS);
    for (int link = 0; link < known; link++) {
      int l = link;
      Optional<Boolean> active = r.read(GpuField.NVLINK, () -> nvml.nvLinkActive(h, l));
      if (active.isEmpty()) {
        if (link > 0) {
          r.unavailable.remove(GpuField.NVLINK); // the end of the links, not a failure
          nvLinkCounts.put(index, link);
        }
        break;
      }
      // An inactive link counts nothing: its five counter calls are skipped, which on an 18-link
      // GPU
      // with links down saves most of the NVLink calls of a poll.
      Map<String, Long> errors = new LinkedHashMap<>();
      for (int c = 0; c < NvmlLayouts.NVLINK_ERROR_COUNTERS && active.get(); c++) {
        try {
          errors.put(GpuMetrics.NVLINK_ERROR_TYPES.get(c), nvml.nvLinkErrors(h, link, c));
        } catch (NvmlException e) {
          if (e.code() == NvmlReturn.GPU_IS_LOST) {
            throw new Lost();
          }
          // A counter this GPU does not keep (ECC data before Ampere): no series for it.
        }
      }
      links.add(new NvLink(link, active.get(), errors));
    }
    return links;
  }

  /** The MIG instances in the parent's slots; an empty slot (NOT_FOUND) is skipped. */
  private List<MigDevice> migDevices(Reading r, Pointer parent) {
    Optional<Integer> max = r.read(GpuField.MIG_DEVICES, () -> nvml.maxMigDevices(parent));
    List<MigDevice> out = new ArrayList<>();
    for (int slot = 0; slot < max.orElse(0); slot++) {
      Pointer h;
      try {
        h = nvml.migDevice(parent, slot);
      } catch (NvmlException e) {
        if (e.code() == NvmlReturn.GPU_IS_LOST) {
          throw new Lost();
        }
        if (e.code() != NvmlReturn.NOT_FOUND) {
          r.unavailable.put(GpuField.MIG_DEVICES, e.code());
        }
        continue;
      }
      Reading m = new Reading(-1, null);
      String name = m.read(GpuField.NAME, () -> nvml.name(h)).orElse("");
      String uuid = m.read(GpuField.UUID, () -> nvml.uuid(h)).orElse("");
      int gi = m.read(GpuField.GPU_INSTANCE_ID, () -> nvml.gpuInstanceId(h)).orElse(-1);
      Optional<long[]> memory = m.read(GpuField.MEMORY, () -> nvml.memory(h));
      // NVML keeps no utilisation samples per MIG instance: its processes have no SM share.
      List<GpuProcess> processes =
          processes(m, h).map(list -> attribute(list, Optional.empty())).orElse(List.of());
      out.add(
          new MigDevice(
              slot,
              uuid,
              name,
              gi,
              MigDevice.profileOf(name),
              memory.map(v -> OptionalLong.of(v[0])).orElse(OptionalLong.empty()),
              memory.map(v -> OptionalLong.of(v[1])).orElse(OptionalLong.empty()),
              processes,
              m.unavailable));
    }
    return out;
  }

  /**
   * Pairs each process with its SM share and owner. A process without a sample since the last poll
   * did no work (0%) when sampling works; its share stays unknown when sampling itself is
   * unavailable.
   */
  private List<GpuProcess> attribute(List<Listed> listed, Optional<List<Nvml.RawSample>> samples) {
    Map<Long, int[]> smByPid = new HashMap<>();
    samples.ifPresent(
        list -> {
          for (Nvml.RawSample s : list) {
            int[] sumAndCount = smByPid.computeIfAbsent(s.pid(), p -> new int[2]);
            sumAndCount[0] += s.smPercent();
            sumAndCount[1]++;
          }
        });
    List<GpuProcess> out = new ArrayList<>(listed.size());
    for (Listed p : listed) {
      OptionalLong used =
          p.usedMemory() == NvmlLayouts.VALUE_NOT_AVAILABLE
              ? OptionalLong.empty()
              : OptionalLong.of(p.usedMemory());
      OptionalInt sm = OptionalInt.empty();
      if (samples.isPresent()) {
        int[] sc = smByPid.get(p.pid());
        sm = OptionalInt.of(sc == null ? 0 : Math.min(100, sc[0] / sc[1]));
      }
      ProcessOwner owner = cgroups.ownerOf(p.pid());
      boolean exists = owner.kind() != ProcessOwner.Kind.GONE;
      if (!exists) {
        // Memory held by a pid that is gone: keep the container it was seen in, if it was.
        owner =
            Optional.ofNullable(owners.get(p.pid()))
                .map(ProcessOwner::gone)
                .orElse(ProcessOwner.GONE);
      }
      ownersThisPoll.put(p.pid(), owner);
      out.add(new GpuProcess(p.pid(), used, sm, exists, owner, p.type()));
    }
    return out;
  }

  private static OptionalLong optionalLong(Optional<? extends Number> v) {
    return v.map(n -> OptionalLong.of(n.longValue())).orElse(OptionalLong.empty());
  }

  /** The readings of one device as they accumulate. */
  private static final class Reading {
    final int index;
    String uuid = "";
    String name = "";
    String pci = "";
    boolean lost;
    OptionalInt gpuUtil = OptionalInt.empty();
    OptionalInt memUtil = OptionalInt.empty();
    OptionalLong memUsed = OptionalLong.empty();
    OptionalLong memTotal = OptionalLong.empty();
    OptionalInt temperature = OptionalInt.empty();
    OptionalLong power = OptionalLong.empty();
    OptionalLong powerLimit = OptionalLong.empty();
    OptionalLong energy = OptionalLong.empty();
    OptionalLong smClock = OptionalLong.empty();
    OptionalLong memClock = OptionalLong.empty();
    Optional<Set<ThrottleReason>> throttle = Optional.empty();
    OptionalLong eccCorrected = OptionalLong.empty();
    OptionalLong eccUncorrected = OptionalLong.empty();
    List<GpuProcess> processes = List.of();
    Map<Long, Long> xids = Map.of();
    OptionalLong pcieReplays = OptionalLong.empty();
    OptionalLong pcieTx = OptionalLong.empty();
    OptionalLong pcieRx = OptionalLong.empty();
    List<NvLink> nvLinks = List.of();
    OptionalLong retiredSingle = OptionalLong.empty();
    OptionalLong retiredDouble = OptionalLong.empty();
    Optional<Boolean> retiredPending = Optional.empty();
    Optional<RemappedRows> remapped = Optional.empty();
    Optional<Boolean> migEnabled = Optional.empty();
    List<MigDevice> migDevices = List.of();
    final Map<GpuField, NvmlReturn> unavailable = new EnumMap<>(GpuField.class);

    Reading(int index, @Nullable Identity known) {
      this.index = index;
      if (known != null) {
        uuid = known.uuid();
        name = known.name();
        pci = known.pciBusId();
      }
    }

    <T> Optional<T> read(GpuField field, Supplier<T> call) {
      try {
        return Optional.of(call.get());
      } catch (NvmlException e) {
        if (e.code() == NvmlReturn.GPU_IS_LOST) {
          throw new Lost();
        }
        unavailable.put(field, e.code());
        return Optional.empty();
      }
    }

    GpuDevice build() {
      return new GpuDevice(
          index,
          uuid,
          name,
          pci,
          lost,
          gpuUtil,
          memUtil,
          memUsed,
          memTotal,
          temperature,
          power,
          powerLimit,
          energy,
          smClock,
          memClock,
          throttle,
          eccCorrected,
          eccUncorrected,
          processes,
          lost
              ? GpuHealth.NONE
              : new GpuHealth(
                  xids,
                  pcieReplays,
                  pcieTx,
                  pcieRx,
                  nvLinks,
                  retiredSingle,
                  retiredDouble,
                  retiredPending,
                  remapped),
          migEnabled,
          migDevices,
          lost ? Map.of() : unavailable);
    }
  }
}
