package io.opspulse.gpu;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads every field of one GPU, each on its own: a field NVML refuses (NOT_SUPPORTED, NO_PERMISSION,
 * a symbol this driver lacks) is recorded as unavailable and the next field is read. GPU_IS_LOST on any
 * call stops that device's readings and marks it lost. State kept between polls: the identity of each
 * GPU (so a lost one keeps its labels), the last utilisation sample seen, and who owned each pid.
 */
final class DevicePoller {
  private final Nvml nvml;
  private final CgroupOwners cgroups;
  private final Map<Integer, Identity> identities = new HashMap<>();
  private final Map<Integer, Long> lastSampleMicros = new HashMap<>();
  private Map<Long, ProcessOwner> owners = new HashMap<>();
  private Map<Long, ProcessOwner> ownersThisPoll = new HashMap<>();

  private record Identity(String uuid, String name, String pciBusId) {}

  private static final class Lost extends RuntimeException {
    Lost() {
      super(null, null, false, false);
    }
  }

  DevicePoller(Nvml nvml, CgroupOwners cgroups) {
    this.nvml = nvml;
    this.cgroups = cgroups;
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
      r.read(GpuField.UTILIZATION, () -> nvml.utilization(h)).ifPresent(u -> {
        r.gpuUtil = OptionalInt.of(u[0]);
        r.memUtil = OptionalInt.of(u[1]);
      });
      r.read(GpuField.MEMORY, () -> nvml.memory(h)).ifPresent(m -> {
        r.memUsed = OptionalLong.of(m[0]);
        r.memTotal = OptionalLong.of(m[1]);
      });
      r.temperature = r.read(GpuField.TEMPERATURE, () -> nvml.temperatureCelsius(h))
          .map(OptionalInt::of).orElse(OptionalInt.empty());
      r.power = optionalLong(r.read(GpuField.POWER, () -> nvml.powerMilliwatts(h)));
      r.powerLimit = optionalLong(r.read(GpuField.POWER_LIMIT, () -> nvml.powerLimitMilliwatts(h)));
      r.energy = optionalLong(r.read(GpuField.ENERGY, () -> nvml.energyMillijoules(h)));
      r.smClock = optionalLong(r.read(GpuField.SM_CLOCK, () -> nvml.clockMhz(h, NvmlLayouts.CLOCK_SM)));
      r.memClock = optionalLong(r.read(GpuField.MEMORY_CLOCK, () -> nvml.clockMhz(h, NvmlLayouts.CLOCK_MEM)));
      r.throttle = r.read(GpuField.THROTTLE_REASONS, () -> ThrottleReason.fromMask(nvml.clockEventReasons(h)));
      r.eccCorrected = optionalLong(r.read(GpuField.ECC_CORRECTED,
          () -> nvml.eccErrors(h, NvmlLayouts.ECC_CORRECTED)));
      r.eccUncorrected = optionalLong(r.read(GpuField.ECC_UNCORRECTED,
          () -> nvml.eccErrors(h, NvmlLayouts.ECC_UNCORRECTED)));
      Optional<List<Nvml.RawProcess>> processes = r.read(GpuField.PROCESSES, () -> nvml.runningProcesses(h));
      long since = lastSampleMicros.getOrDefault(index, 0L);
      Optional<List<Nvml.RawSample>> samples =
          r.read(GpuField.PROCESS_UTILIZATION, () -> nvml.processUtilization(h, since));
      samples.ifPresent(s -> s.stream().mapToLong(Nvml.RawSample::timestampMicros).max()
          .ifPresent(max -> lastSampleMicros.put(index, Math.max(since, max))));
      processes.ifPresent(list -> r.processes = attribute(list, samples));
      return r.build();
    } catch (Lost lost) {
      r.lost = true;
      return r.build();
    }
  }

  /**
   * Pairs each process with its SM share and owner. A process without a sample since the last poll did
   * no work (0%) when sampling works; its share stays unknown when sampling itself is unavailable.
   */
  private List<GpuProcess> attribute(List<Nvml.RawProcess> raw, Optional<List<Nvml.RawSample>> samples) {
    Map<Long, int[]> smByPid = new HashMap<>();
    samples.ifPresent(list -> {
      for (Nvml.RawSample s : list) {
        int[] sumAndCount = smByPid.computeIfAbsent(s.pid(), p -> new int[2]);
        sumAndCount[0] += s.smPercent();
        sumAndCount[1]++;
      }
    });
    // With MIG a process appears once per GPU instance it uses: one entry per pid, memory summed, so
    // no two series share their labels.
    Map<Long, Long> memoryByPid = new java.util.LinkedHashMap<>();
    for (Nvml.RawProcess p : raw) {
      memoryByPid.merge(p.pid(), p.usedMemory(), (a, b) ->
          a == NvmlLayouts.VALUE_NOT_AVAILABLE || b == NvmlLayouts.VALUE_NOT_AVAILABLE
              ? NvmlLayouts.VALUE_NOT_AVAILABLE : a + b);
    }
    List<GpuProcess> out = new ArrayList<>(memoryByPid.size());
    for (Map.Entry<Long, Long> e : memoryByPid.entrySet()) {
      Nvml.RawProcess p = new Nvml.RawProcess(e.getKey(), e.getValue());
      OptionalLong used = p.usedMemory() == NvmlLayouts.VALUE_NOT_AVAILABLE
          ? OptionalLong.empty() : OptionalLong.of(p.usedMemory());
      OptionalInt sm = OptionalInt.empty();
      if (samples.isPresent()) {
        int[] sc = smByPid.get(p.pid());
        sm = OptionalInt.of(sc == null ? 0 : Math.min(100, sc[0] / sc[1]));
      }
      ProcessOwner owner = cgroups.ownerOf(p.pid());
      boolean exists = owner.kind() != ProcessOwner.Kind.GONE;
      if (!exists) {
        // Memory held by a pid that is gone: keep the container it was seen in, if it was.
        owner = Optional.ofNullable(owners.get(p.pid())).map(ProcessOwner::gone).orElse(ProcessOwner.GONE);
      }
      ownersThisPoll.put(p.pid(), owner);
      out.add(new GpuProcess(p.pid(), used, sm, exists, owner));
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
    final Map<GpuField, NvmlReturn> unavailable = new EnumMap<>(GpuField.class);

    Reading(int index, Identity known) {
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
      return new GpuDevice(index, uuid, name, pci, lost, gpuUtil, memUtil, memUsed, memTotal, temperature, power,
          powerLimit, energy, smClock, memClock, throttle, eccCorrected, eccUncorrected, processes,
          lost ? Map.of() : unavailable);
    }
  }
}
