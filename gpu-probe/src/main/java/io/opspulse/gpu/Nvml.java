package io.opspulse.gpu;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Typed calls into one {@link NvmlLibrary}: each returns the value or throws {@link NvmlException}.
 * Buffers are reused across calls, so an instance belongs to one thread at a time (the poller).
 */
final class Nvml {
  /** How often the process list may still not fit before the poll gives up on it. */
  static final int PROCESS_LIST_ATTEMPTS = 5;

  /** Filled into process buffers before a call, to see how far the driver wrote. */
  private static final byte SENTINEL = (byte) 0xA5;

  private final NvmlLibrary lib;
  private static final int ERROR_STRING_MAX = 256;
  private final Memory scratch = new Memory(256);
  private final Memory count = new Memory(4);
  private final Memory handleOut = new Memory(Native.POINTER_SIZE);
  private Memory processBuffer = new Memory(16L * NvmlLayouts.PROCESS_R535_SIZE);
  private Memory sampleBuffer = new Memory(16L * NvmlLayouts.SAMPLE_SIZE);
  private int lastProcessCount;

  /**
   * Raw process entry: usedMemory is {@link NvmlLayouts#VALUE_NOT_AVAILABLE} when NVML cannot tell.
   */
  record RawProcess(long pid, long usedMemory) {}

  /** One process utilisation sample. */
  record RawSample(long pid, long timestampMicros, int smPercent, int memoryPercent) {}

  Nvml(NvmlLibrary lib) {
    this.lib = lib;
  }

  NvmlLibrary library() {
    return lib;
  }

  void init() {
    check("nvmlInit", lib.init.invokeInt(new Object[0]));
  }

  void shutdown() {
    check("nvmlShutdown", lib.shutdown.invokeInt(new Object[0]));
  }

  /** NVML's words for each code, asked once: the same few codes come back at every poll. */
  private final Map<Integer, String> errorStrings = new HashMap<>();

  String errorString(int code) {
    return errorStrings.computeIfAbsent(code, this::askErrorString);
  }

  private String askErrorString(int code) {
    Pointer p = lib.errorString.invokePointer(new Object[] {code});
    if (p == null) {
      return "";
    }
    // A static string of the driver's: read byte by byte up to its NUL or the bound, never a fixed
    // block
    // that could run past the end of its mapping.
    byte[] bytes = new byte[ERROR_STRING_MAX];
    int n = 0;
    while (n < bytes.length && (bytes[n] = p.getByte(n)) != 0) {
      n++;
    }
    return NvmlText.of(bytes, 0, n);
  }

  String driverVersion() {
    return text(
        lib.driverVersion, "nvmlSystemGetDriverVersion", null, NvmlLayouts.DRIVER_VERSION_BUFFER);
  }

  int deviceCount() {
    check("nvmlDeviceGetCount", lib.deviceCount.invokeInt(new Object[] {count}));
    return count.getInt(0);
  }

  Pointer handle(int index) {
    check(
        "nvmlDeviceGetHandleByIndex", lib.handleByIndex.invokeInt(new Object[] {index, handleOut}));
    return handleOut.getPointer(0);
  }

  String name(Pointer device) {
    return text(lib.name, "nvmlDeviceGetName", device, NvmlLayouts.NAME_BUFFER);
  }

  String uuid(Pointer device) {
    return text(lib.uuid, "nvmlDeviceGetUUID", device, NvmlLayouts.UUID_BUFFER);
  }

  String pciBusId(Pointer device) {
    call(lib.pciInfo, "nvmlDeviceGetPciInfo", device, scratch);
    return lib.pciLayout == NvmlLibrary.PciLayout.V3
        ? cString(scratch, NvmlLayouts.PCI_BUS_ID, NvmlLayouts.PCI_BUS_ID_LENGTH)
        : cString(scratch, NvmlLayouts.PCI_V1_BUS_ID, NvmlLayouts.PCI_V1_BUS_ID_LENGTH);
  }

  /** {gpu percent, memory percent}. */
  int[] utilization(Pointer device) {
    call(lib.utilization, "nvmlDeviceGetUtilizationRates", device, scratch);
    return new int[] {
      scratch.getInt(NvmlLayouts.UTILIZATION_GPU), scratch.getInt(NvmlLayouts.UTILIZATION_MEMORY)
    };
  }

  /**
   * {used, total} bytes. v2 excludes the driver's reserved memory from "used", as nvidia-smi does.
   */
  long[] memory(Pointer device) {
    if (lib.memoryV2) {
      scratch.clear(NvmlLayouts.MEMORY_V2_SIZE);
      scratch.setInt(NvmlLayouts.MEMORY_V2_VERSION, NvmlLayouts.MEMORY_V2_VERSION_VALUE);
      call(lib.memoryInfo, "nvmlDeviceGetMemoryInfo_v2", device, scratch);
      return new long[] {
        scratch.getLong(NvmlLayouts.MEMORY_V2_USED), scratch.getLong(NvmlLayouts.MEMORY_V2_TOTAL)
      };
    }
    call(lib.memoryInfo, "nvmlDeviceGetMemoryInfo", device, scratch);
    return new long[] {
      scratch.getLong(NvmlLayouts.MEMORY_V1_USED), scratch.getLong(NvmlLayouts.MEMORY_V1_TOTAL)
    };
  }

  int temperatureCelsius(Pointer device) {
    Function fn = require(lib.temperature, "nvmlDeviceGetTemperature");
    check(
        "nvmlDeviceGetTemperature",
        fn.invokeInt(new Object[] {device, NvmlLayouts.TEMPERATURE_GPU, scratch}));
    return scratch.getInt(0);
  }

  long powerMilliwatts(Pointer device) {
    call(lib.powerUsage, "nvmlDeviceGetPowerUsage", device, scratch);
    return Integer.toUnsignedLong(scratch.getInt(0));
  }

  long powerLimitMilliwatts(Pointer device) {
    call(lib.powerLimit, "nvmlDeviceGetEnforcedPowerLimit", device, scratch);
    return Integer.toUnsignedLong(scratch.getInt(0));
  }

  long energyMillijoules(Pointer device) {
    call(lib.energy, "nvmlDeviceGetTotalEnergyConsumption", device, scratch);
    return scratch.getLong(0);
  }

  long clockMhz(Pointer device, int clockType) {
    Function fn = require(lib.clockInfo, "nvmlDeviceGetClockInfo");
    check("nvmlDeviceGetClockInfo", fn.invokeInt(new Object[] {device, clockType, scratch}));
    return Integer.toUnsignedLong(scratch.getInt(0));
  }

  long clockEventReasons(Pointer device) {
    call(lib.clockEventReasons, "nvmlDeviceGetCurrentClocksEventReasons", device, scratch);
    return scratch.getLong(0);
  }

  long eccErrors(Pointer device, int errorType) {
    Function fn = require(lib.eccErrors, "nvmlDeviceGetTotalEccErrors");
    check(
        "nvmlDeviceGetTotalEccErrors",
        fn.invokeInt(new Object[] {device, errorType, NvmlLayouts.ECC_VOLATILE, scratch}));
    return scratch.getLong(0);
  }

  /**
   * The processes of one of NVML's lists (compute, graphics, MPS) on a device. NVML fills at most
   * the capacity passed in the count and answers INSUFFICIENT_SIZE with the count it needs;
   * processes can start between two calls, so the buffer grows with some slack, a bounded number of
   * times.
   */
  List<RawProcess> runningProcesses(Pointer device, NvmlLibrary.ProcessList list) {
    Function fn = require(list.function(), list.name());
    int capacity = Math.max(8, lastProcessCount + 4);
    for (int attempt = 0; attempt < PROCESS_LIST_ATTEMPTS; attempt++) {
      long bytes = (long) capacity * NvmlLayouts.PROCESS_R535_SIZE;
      if (processBuffer.size() < bytes) {
        processBuffer = new Memory(bytes);
      }
      processBuffer.setMemory(0, bytes, SENTINEL);
      count.setInt(0, capacity);
      int rc = fn.invokeInt(new Object[] {device, count, processBuffer});
      int n = count.getInt(0);
      if (rc == NvmlReturn.INSUFFICIENT_SIZE.code()
          || (rc == 0 && Integer.compareUnsigned(n, capacity) > 0)) {
        capacity = Math.max(capacity, n) + Math.max(4, n / 4);
        continue;
      }
      check(list.name(), rc);
      lastProcessCount = Math.max(lastProcessCount, n);
      return readProcesses(n, strideOf(list.layout(), n));
    }
    throw new NvmlException(
        list.name(),
        NvmlReturn.INSUFFICIENT_SIZE.code(),
        "the process list still did not fit after " + PROCESS_LIST_ATTEMPTS + " attempts");
  }

  /**
   * The size of one entry as the driver wrote it. The _v3 symbols are declared with the 24-byte
   * struct, but some R535 drivers filled 32-byte entries: if anything past n * 24 bytes changed, it
   * was them.
   */
  int strideOf(NvmlLibrary.ProcessLayout layout, int n) {
    return switch (layout) {
      case V1 -> NvmlLayouts.PROCESS_V1_SIZE;
      case V2 -> NvmlLayouts.PROCESS_V2_SIZE;
      case V3_GUARDED -> {
        if (n == 0) {
          yield NvmlLayouts.PROCESS_V2_SIZE;
        }
        byte[] tail =
            processBuffer.getByteArray(
                (long) n * NvmlLayouts.PROCESS_V2_SIZE,
                n * (NvmlLayouts.PROCESS_R535_SIZE - NvmlLayouts.PROCESS_V2_SIZE));
        for (byte b : tail) {
          if (b != SENTINEL) {
            yield NvmlLayouts.PROCESS_R535_SIZE;
          }
        }
        yield NvmlLayouts.PROCESS_V2_SIZE;
      }
    };
  }

  long pcieReplays(Pointer device) {
    call(lib.pcieReplayCounter, "nvmlDeviceGetPcieReplayCounter", device, scratch);
    return Integer.toUnsignedLong(scratch.getInt(0));
  }

  /** KB/s in one direction ({@link NvmlLayouts#PCIE_TX} or RX) over NVML's 20 ms sample. */
  long pcieThroughputKilobytes(Pointer device, int counter) {
    Function fn = require(lib.pcieThroughput, "nvmlDeviceGetPcieThroughput");
    check("nvmlDeviceGetPcieThroughput", fn.invokeInt(new Object[] {device, counter, scratch}));
    return Integer.toUnsignedLong(scratch.getInt(0));
  }

  /**
   * Whether NVLink {@code link} is active; NOT_SUPPORTED without NVLink, INVALID_ARGUMENT past the
   * last link.
   */
  boolean nvLinkActive(Pointer device, int link) {
    Function fn = require(lib.nvLinkState, "nvmlDeviceGetNvLinkState");
    check("nvmlDeviceGetNvLinkState", fn.invokeInt(new Object[] {device, link, scratch}));
    return scratch.getInt(0) == 1;
  }

  long nvLinkErrors(Pointer device, int link, int counter) {
    Function fn = require(lib.nvLinkErrorCounter, "nvmlDeviceGetNvLinkErrorCounter");
    check(
        "nvmlDeviceGetNvLinkErrorCounter",
        fn.invokeInt(new Object[] {device, link, counter, scratch}));
    return scratch.getLong(0);
  }

  /**
   * How many pages were retired for {@code cause}: asked with a zero-sized buffer, which NVML
   * answers with the count (SUCCESS when none, INSUFFICIENT_SIZE otherwise); the addresses are not
   * needed.
   */
  long retiredPages(Pointer device, int cause) {
    Function fn = require(lib.retiredPages, "nvmlDeviceGetRetiredPages");
    count.setInt(0, 0);
    int rc = fn.invokeInt(new Object[] {device, cause, count, Pointer.NULL});
    if (rc != NvmlReturn.INSUFFICIENT_SIZE.code()) {
      check("nvmlDeviceGetRetiredPages", rc);
    }
    return Integer.toUnsignedLong(count.getInt(0));
  }

  boolean retiredPagesPending(Pointer device) {
    call(lib.retiredPagesPending, "nvmlDeviceGetRetiredPagesPendingStatus", device, scratch);
    return scratch.getInt(0) == 1;
  }

  /** {correctable rows, uncorrectable rows, pending (0/1), failure occurred (0/1)}. */
  long[] remappedRows(Pointer device) {
    Function fn = require(lib.remappedRows, "nvmlDeviceGetRemappedRows");
    scratch.clear(16);
    check(
        "nvmlDeviceGetRemappedRows",
        fn.invokeInt(
            new Object[] {device, scratch, scratch.share(4), scratch.share(8), scratch.share(12)}));
    return new long[] {
      Integer.toUnsignedLong(scratch.getInt(0)),
      Integer.toUnsignedLong(scratch.getInt(4)),
      scratch.getInt(8),
      scratch.getInt(12)
    };
  }

  /** Whether MIG mode is on now (the pending mode, applied at the next reset, is not asked for). */
  boolean migEnabled(Pointer device) {
    Function fn = require(lib.migMode, "nvmlDeviceGetMigMode");
    check("nvmlDeviceGetMigMode", fn.invokeInt(new Object[] {device, scratch, scratch.share(4)}));
    return scratch.getInt(0) == NvmlLayouts.MIG_ENABLE;
  }

  int maxMigDevices(Pointer device) {
    call(lib.maxMigDeviceCount, "nvmlDeviceGetMaxMigDeviceCount", device, scratch);
    return scratch.getInt(0);
  }

  /** The MIG device in slot {@code index}; NOT_FOUND for an empty slot. */
  Pointer migDevice(Pointer device, int index) {
    Function fn = require(lib.migDeviceHandle, "nvmlDeviceGetMigDeviceHandleByIndex");
    check(
        "nvmlDeviceGetMigDeviceHandleByIndex",
        fn.invokeInt(new Object[] {device, index, handleOut}));
    return handleOut.getPointer(0);
  }

  int gpuInstanceId(Pointer migDevice) {
    call(lib.gpuInstanceId, "nvmlDeviceGetGpuInstanceId", migDevice, scratch);
    return scratch.getInt(0);
  }

  private List<RawProcess> readProcesses(int n, int stride) {
    List<RawProcess> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long base = (long) i * stride;
      out.add(
          new RawProcess(
              Integer.toUnsignedLong(processBuffer.getInt(base + NvmlLayouts.PROCESS_PID)),
              processBuffer.getLong(base + NvmlLayouts.PROCESS_USED_MEMORY)));
    }
    return out;
  }

  /**
   * Per-process utilisation samples newer than {@code lastSeenMicros}. NVML answers NOT_FOUND when
   * there are none, which is an empty list, not an error.
   */
  List<RawSample> processUtilization(Pointer device, long lastSeenMicros) {
    Function fn = require(lib.processUtilization, "nvmlDeviceGetProcessUtilization");
    count.setInt(0, 0);
    int rc = fn.invokeInt(new Object[] {device, Pointer.NULL, count, lastSeenMicros});
    for (int attempt = 0; attempt < PROCESS_LIST_ATTEMPTS; attempt++) {
      if (rc == NvmlReturn.NOT_FOUND.code()) {
        return List.of();
      }
      if (rc == 0 && count.getInt(0) == 0) {
        return List.of();
      }
      if (rc != NvmlReturn.INSUFFICIENT_SIZE.code() && rc != 0) {
        check("nvmlDeviceGetProcessUtilization", rc);
      }
      int capacity = count.getInt(0) + 4;
      long bytes = (long) capacity * NvmlLayouts.SAMPLE_SIZE;
      if (sampleBuffer.size() < bytes) {
        sampleBuffer = new Memory(bytes);
      }
      count.setInt(0, capacity);
      rc = fn.invokeInt(new Object[] {device, sampleBuffer, count, lastSeenMicros});
      if (rc == 0) {
        int n = count.getInt(0);
        List<RawSample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          long base = (long) i * NvmlLayouts.SAMPLE_SIZE;
          out.add(
              new RawSample(
                  Integer.toUnsignedLong(sampleBuffer.getInt(base + NvmlLayouts.SAMPLE_PID)),
                  sampleBuffer.getLong(base + NvmlLayouts.SAMPLE_TIMESTAMP),
                  sampleBuffer.getInt(base + NvmlLayouts.SAMPLE_SM_UTIL),
                  sampleBuffer.getInt(base + NvmlLayouts.SAMPLE_MEM_UTIL)));
        }
        return out;
      }
    }
    throw new NvmlException(
        "nvmlDeviceGetProcessUtilization",
        NvmlReturn.INSUFFICIENT_SIZE.code(),
        "the sample list still did not fit after " + PROCESS_LIST_ATTEMPTS + " attempts");
  }

  /** One NVML event as nvmlEventSetWait filled it. */
  record RawEvent(Pointer device, long type, long data) {}

  private final Memory eventData = new Memory(NvmlLayouts.EVENT_DATA_SIZE);

  Pointer eventSetCreate() {
    Function fn = require(lib.eventSetCreate, "nvmlEventSetCreate");
    check("nvmlEventSetCreate", fn.invokeInt(new Object[] {handleOut}));
    return handleOut.getPointer(0);
  }

  void registerXidEvents(Pointer device, Pointer set) {
    Function fn = require(lib.registerEvents, "nvmlDeviceRegisterEvents");
    check(
        "nvmlDeviceRegisterEvents",
        fn.invokeInt(new Object[] {device, NvmlLayouts.EVENT_XID_CRITICAL, set}));
  }

  /** The next event, or null when none came within {@code timeoutMillis} (NVML's TIMEOUT). */
  @Nullable RawEvent waitEvent(Pointer set, int timeoutMillis) {
    Function fn = require(lib.eventSetWait, "nvmlEventSetWait");
    eventData.clear();
    int rc = fn.invokeInt(new Object[] {set, eventData, timeoutMillis});
    if (rc == NvmlReturn.TIMEOUT.code()) {
      return null;
    }
    check("nvmlEventSetWait", rc);
    return new RawEvent(
        eventData.getPointer(NvmlLayouts.EVENT_DEVICE),
        eventData.getLong(NvmlLayouts.EVENT_TYPE),
        eventData.getLong(NvmlLayouts.EVENT_DATA));
  }

  void eventSetFree(Pointer set) {
    Function fn = require(lib.eventSetFree, "nvmlEventSetFree");
    check("nvmlEventSetFree", fn.invokeInt(new Object[] {set}));
  }

  private String text(@Nullable Function f, String name, @Nullable Pointer device, int size) {
    Function fn = require(f, name);
    int rc =
        device == null
            ? fn.invokeInt(new Object[] {scratch, size})
            : fn.invokeInt(new Object[] {device, scratch, size});
    check(name, rc);
    return cString(scratch, 0, size);
  }

  private void call(@Nullable Function f, String name, Pointer device, Memory out) {
    Function fn = require(f, name);
    check(name, fn.invokeInt(new Object[] {device, out}));
  }

  private static Function require(@Nullable Function f, String name) {
    if (f == null) {
      throw new NvmlException(
          name, NvmlReturn.FUNCTION_NOT_FOUND.code(), "this driver does not export it");
    }
    return f;
  }

  private void check(String function, int rc) {
    if (rc != 0) {
      throw new NvmlException(function, rc, errorString(rc));
    }
  }

  /** The text NVML wrote into {@code max} bytes at {@code offset}, cleaned (see NvmlText). */
  private static String cString(Memory m, long offset, int max) {
    return NvmlText.of(m.getByteArray(offset, max));
  }
}
