package io.opspulse.gpu;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * libnvidia-ml.so.1, loaded once per file per JVM, with every symbol the probe calls resolved once:
 * the newest version the driver exports, falling back to older ones. Required symbols (init, count,
 * handle, error string) missing means this is not NVML; any other missing symbol only makes its
 * field unavailable.
 */
final class NvmlLibrary {
  /** The driver's soname: what the NVIDIA container toolkit mounts and the dynamic linker finds. */
  static final String SONAME = "libnvidia-ml.so.1";

  /** A system property naming the library file exactly; when set, nothing else is tried. */
  static final String LIBRARY_PROPERTY = "opspulse.nvml.library";

  private static final Map<String, NvmlLibrary> LOADED = new ConcurrentHashMap<>();

  enum ProcessLayout {
    V3_GUARDED,
    V2,
    V1
  }

  enum PciLayout {
    V3,
    V1
  }

  final String file;
  final Function init;
  final Function shutdown;
  final Function deviceCount;
  final Function handleByIndex;
  final Function errorString;
  final @Nullable Function driverVersion;
  final @Nullable Function name;
  final @Nullable Function uuid;
  final @Nullable Function pciInfo;
  final PciLayout pciLayout;
  final @Nullable Function memoryInfo;
  final boolean memoryV2;
  final @Nullable Function utilization;
  final @Nullable Function temperature;
  final @Nullable Function powerUsage;
  final @Nullable Function powerLimit;
  final @Nullable Function energy;
  final @Nullable Function clockInfo;
  final @Nullable Function clockEventReasons;
  final @Nullable Function eccErrors;
  final ProcessList computeProcesses;
  final ProcessList graphicsProcesses;
  final ProcessList mpsProcesses;
  final @Nullable Function processUtilization;
  final @Nullable Function pcieReplayCounter;
  final @Nullable Function pcieThroughput;
  final @Nullable Function nvLinkState;
  final @Nullable Function nvLinkErrorCounter;
  final @Nullable Function retiredPages;
  final @Nullable Function retiredPagesPending;
  final @Nullable Function remappedRows;
  final @Nullable Function migMode;
  final @Nullable Function maxMigDeviceCount;
  final @Nullable Function migDeviceHandle;
  final @Nullable Function gpuInstanceId;
  final @Nullable Function eventSetCreate;
  final @Nullable Function registerEvents;
  final @Nullable Function eventSetWait;
  final @Nullable Function eventSetFree;

  /**
   * One of NVML's three process lists (compute, graphics, MPS compute), bound to the newest symbol
   * the driver exports; {@code function} is null when it exports none.
   */
  record ProcessList(String name, @Nullable Function function, ProcessLayout layout) {
    static ProcessList bind(NativeLibrary lib, String name) {
      Function v3 = optional(lib, name + "_v3");
      if (v3 != null) {
        return new ProcessList(name, v3, ProcessLayout.V3_GUARDED);
      }
      Function v2 = optional(lib, name + "_v2");
      if (v2 != null) {
        return new ProcessList(name, v2, ProcessLayout.V2);
      }
      return new ProcessList(name, optional(lib, name), ProcessLayout.V1);
    }
  }

  private NvmlLibrary(NativeLibrary lib) {
    this.file = lib.getFile() == null ? lib.getName() : lib.getFile().getPath();
    init = required(lib, "nvmlInit_v2", "nvmlInit");
    shutdown = required(lib, "nvmlShutdown");
    deviceCount = required(lib, "nvmlDeviceGetCount_v2", "nvmlDeviceGetCount");
    handleByIndex = required(lib, "nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex");
    errorString = required(lib, "nvmlErrorString");
    driverVersion = optional(lib, "nvmlSystemGetDriverVersion");
    name = optional(lib, "nvmlDeviceGetName");
    uuid = optional(lib, "nvmlDeviceGetUUID");
    Function pciV3 = optional(lib, "nvmlDeviceGetPciInfo_v3", "nvmlDeviceGetPciInfo_v2");
    pciInfo = pciV3 != null ? pciV3 : optional(lib, "nvmlDeviceGetPciInfo");
    pciLayout = pciV3 != null ? PciLayout.V3 : PciLayout.V1;
    Function memV2 = optional(lib, "nvmlDeviceGetMemoryInfo_v2");
    memoryInfo = memV2 != null ? memV2 : optional(lib, "nvmlDeviceGetMemoryInfo");
    memoryV2 = memV2 != null;
    utilization = optional(lib, "nvmlDeviceGetUtilizationRates");
    temperature = optional(lib, "nvmlDeviceGetTemperature");
    powerUsage = optional(lib, "nvmlDeviceGetPowerUsage");
    powerLimit = optional(lib, "nvmlDeviceGetEnforcedPowerLimit");
    energy = optional(lib, "nvmlDeviceGetTotalEnergyConsumption");
    clockInfo = optional(lib, "nvmlDeviceGetClockInfo");
    // Renamed in CUDA 12.2; same signature and bits.
    clockEventReasons =
        optional(
            lib,
            "nvmlDeviceGetCurrentClocksEventReasons",
            "nvmlDeviceGetCurrentClocksThrottleReasons");
    eccErrors = optional(lib, "nvmlDeviceGetTotalEccErrors");
    computeProcesses = ProcessList.bind(lib, "nvmlDeviceGetComputeRunningProcesses");
    graphicsProcesses = ProcessList.bind(lib, "nvmlDeviceGetGraphicsRunningProcesses");
    mpsProcesses = ProcessList.bind(lib, "nvmlDeviceGetMPSComputeRunningProcesses");
    processUtilization = optional(lib, "nvmlDeviceGetProcessUtilization");
    pcieReplayCounter = optional(lib, "nvmlDeviceGetPcieReplayCounter");
    pcieThroughput = optional(lib, "nvmlDeviceGetPcieThroughput");
    nvLinkState = optional(lib, "nvmlDeviceGetNvLinkState");
    nvLinkErrorCounter = optional(lib, "nvmlDeviceGetNvLinkErrorCounter");
    retiredPages = optional(lib, "nvmlDeviceGetRetiredPages");
    retiredPagesPending = optional(lib, "nvmlDeviceGetRetiredPagesPendingStatus");
    remappedRows = optional(lib, "nvmlDeviceGetRemappedRows");
    migMode = optional(lib, "nvmlDeviceGetMigMode");
    maxMigDeviceCount = optional(lib, "nvmlDeviceGetMaxMigDeviceCount");
    migDeviceHandle = optional(lib, "nvmlDeviceGetMigDeviceHandleByIndex");
    gpuInstanceId = optional(lib, "nvmlDeviceGetGpuInstanceId");
    eventSetCreate = optional(lib, "nvmlEventSetCreate");
    registerEvents = optional(lib, "nvmlDeviceRegisterEvents");
    // _v2 fills the 32-byte nvmlEventData_t (with the GPU instance); the original the first 24
    // bytes.
    eventSetWait = optional(lib, "nvmlEventSetWait_v2", "nvmlEventSetWait");
    eventSetFree = optional(lib, "nvmlEventSetFree");
  }

  /** What loading found: the library, or why there is none. */
  record LoadResult(Optional<NvmlLibrary> library, ProbeStatus status, String reason) {}

  /**
   * Finds and binds NVML: the file named by {@value #LIBRARY_PROPERTY} if set (and only it), else
   * {@value #SONAME} in each folder of {@code jna.library.path}, else the dynamic linker's search.
   */
  static LoadResult load() {
    String explicit = System.getProperty(LIBRARY_PROPERTY);
    List<String> candidates = new ArrayList<>();
    if (explicit != null && !explicit.isBlank()) {
      candidates.add(explicit);
    } else {
      String jnaPath = System.getProperty("jna.library.path", "");
      for (String dir : jnaPath.split(File.pathSeparator)) {
        if (!dir.isBlank() && Files.isRegularFile(Path.of(dir, SONAME))) {
          candidates.add(Path.of(dir, SONAME).toAbsolutePath().toString());
        }
      }
      candidates.add(SONAME);
    }
    List<String> failures = new ArrayList<>();
    for (String candidate : candidates) {
      NvmlLibrary cached = LOADED.get(candidate);
      if (cached != null) {
        return new LoadResult(Optional.of(cached), ProbeStatus.OK, "loaded " + cached.file);
      }
      NativeLibrary lib;
      try {
        lib = NativeLibrary.getInstance(candidate);
      } catch (UnsatisfiedLinkError e) {
        failures.add(dlopenError(candidate, e.getMessage()));
        continue;
      }
      try {
        NvmlLibrary nvml = LOADED.computeIfAbsent(candidate, c -> new NvmlLibrary(lib));
        return new LoadResult(Optional.of(nvml), ProbeStatus.OK, "loaded " + nvml.file);
      } catch (UnsatisfiedLinkError e) {
        return new LoadResult(
            Optional.empty(),
            ProbeStatus.SYMBOL_MISSING,
            candidate + " is not a usable NVML: " + firstLine(e.getMessage()));
      }
    }
    return new LoadResult(
        Optional.empty(),
        ProbeStatus.LIBRARY_MISSING,
        "no NVML library could be loaded ("
            + String.join("; ", failures)
            + ")"
            + ". Mount the driver's "
            + SONAME
            + " (or use the NVIDIA container toolkit) to get GPU metrics");
  }

  private static Function required(NativeLibrary lib, String... names) {
    Function f = optional(lib, names);
    if (f == null) {
      throw new UnsatisfiedLinkError(
          "none of " + String.join(", ", names) + " in " + lib.getName());
    }
    return f;
  }

  private static @Nullable Function optional(NativeLibrary lib, String... names) {
    for (String name : names) {
      try {
        return lib.getFunction(name);
      } catch (UnsatisfiedLinkError e) {
        // Older or newer driver: try the next version of the symbol.
      }
    }
    return null;
  }

  /** JNA's message opens with a generic line; the dynamic linker's own words follow it. */
  private static String dlopenError(String candidate, @Nullable String message) {
    if (message != null) {
      for (String line : message.split("\n")) {
        if (line.contains(": ") && !line.startsWith("Unable to load library")) {
          return line.strip();
        }
      }
    }
    return candidate + ": " + firstLine(message);
  }

  private static String firstLine(@Nullable String message) {
    if (message == null) {
      return "not found";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
