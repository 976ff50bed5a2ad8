package io.opspulse.gpu;

/**
 * Byte offsets of the nvml.h structs the binding reads, for x86-64 and aarch64 Linux (natural
 * alignment: an {@code unsigned long long} after an {@code unsigned int} starts at offset 8). They
 * are plain offsets instead of JNA Structures so a poll reads fields without reflection; a test
 * checks every one against gcc's sizeof/offsetof of the same declarations.
 */
final class NvmlLayouts {
  private NvmlLayouts() {}

  /** nvmlMemory_t: total, free, used. */
  static final int MEMORY_V1_SIZE = 24;

  static final int MEMORY_V1_TOTAL = 0;
  static final int MEMORY_V1_USED = 16;

  /** nvmlMemory_v2_t: version, total, reserved, free, used. */
  static final int MEMORY_V2_SIZE = 40;

  static final int MEMORY_V2_VERSION = 0;
  static final int MEMORY_V2_TOTAL = 8;
  static final int MEMORY_V2_RESERVED = 16;
  static final int MEMORY_V2_USED = 32;

  /** NVML_STRUCT_VERSION(Memory, 2): the struct's size with the version number in the top byte. */
  static final int MEMORY_V2_VERSION_VALUE = MEMORY_V2_SIZE | (2 << 24);

  /** nvmlUtilization_t: gpu, memory (percent). */
  static final int UTILIZATION_SIZE = 8;

  static final int UTILIZATION_GPU = 0;
  static final int UTILIZATION_MEMORY = 4;

  /** nvmlProcessInfo_v1_t (pid, usedGpuMemory): what the unversioned symbol fills. */
  static final int PROCESS_V1_SIZE = 16;

  /**
   * nvmlProcessInfo_v2_t / nvmlProcessInfo_t (pid, usedGpuMemory, gpuInstanceId,
   * computeInstanceId).
   */
  static final int PROCESS_V2_SIZE = 24;

  /** The layout some R535 drivers filled through _v3: v2 plus usedGpuCcProtectedMemory. */
  static final int PROCESS_R535_SIZE = 32;

  static final int PROCESS_PID = 0;
  static final int PROCESS_USED_MEMORY = 8;

  /** nvmlProcessUtilizationSample_t: pid, timeStamp (us), smUtil, memUtil, encUtil, decUtil. */
  static final int SAMPLE_SIZE = 32;

  static final int SAMPLE_PID = 0;
  static final int SAMPLE_TIMESTAMP = 8;
  static final int SAMPLE_SM_UTIL = 16;
  static final int SAMPLE_MEM_UTIL = 20;

  /**
   * nvmlPciInfo_t (_v2/_v3): busIdLegacy[16], domain, bus, device, pciDeviceId, pciSubSystemId,
   * busId[32].
   */
  static final int PCI_SIZE = 68;

  static final int PCI_BUS_ID = 36;
  static final int PCI_BUS_ID_LENGTH = 32;

  /** The original nvmlPciInfo_t: busId[16], five ids, four reserved words. */
  static final int PCI_V1_SIZE = 52;

  static final int PCI_V1_BUS_ID = 0;
  static final int PCI_V1_BUS_ID_LENGTH = 16;

  /**
   * NVML_DEVICE_NAME_V2_BUFFER_SIZE, NVML_DEVICE_UUID_V2_BUFFER_SIZE,
   * NVML_SYSTEM_DRIVER_VERSION_V2_BUFFER_SIZE.
   */
  static final int NAME_BUFFER = 96;

  static final int UUID_BUFFER = 96;
  static final int DRIVER_VERSION_BUFFER = 80;

  /** nvmlTemperatureSensors_t NVML_TEMPERATURE_GPU; nvmlClockType_t SM and MEM. */
  static final int TEMPERATURE_GPU = 0;

  static final int CLOCK_SM = 1;
  static final int CLOCK_MEM = 2;

  /** nvmlMemoryErrorType_t and nvmlEccCounterType_t NVML_VOLATILE_ECC (since the driver loaded). */
  static final int ECC_CORRECTED = 0;

  static final int ECC_UNCORRECTED = 1;
  static final int ECC_VOLATILE = 0;

  /** NVML_VALUE_NOT_AVAILABLE in usedGpuMemory: the driver cannot tell (e.g. no permission). */
  static final long VALUE_NOT_AVAILABLE = -1L;

  /** nvmlPcieUtilCounter_t: TX_BYTES, RX_BYTES (KB/s over a 20 ms sample). */
  static final int PCIE_TX = 0;

  static final int PCIE_RX = 1;

  /**
   * NVML_NVLINK_MAX_LINKS of current headers (Hopper); older GPUs answer INVALID_ARGUMENT past
   * their last link.
   */
  static final int NVLINK_MAX_LINKS = 18;

  /**
   * nvmlNvLinkErrorCounter_t: DL_REPLAY .. DL_ECC_DATA, in the order of
   * GpuMetrics.NVLINK_ERROR_TYPES.
   */
  static final int NVLINK_ERROR_COUNTERS = 5;

  /** nvmlPageRetirementCause_t: MULTIPLE_SINGLE_BIT_ECC_ERRORS, DOUBLE_BIT_ECC_ERROR. */
  static final int RETIREMENT_SINGLE_BIT = 0;

  static final int RETIREMENT_DOUBLE_BIT = 1;

  /** NVML_DEVICE_MIG_ENABLE for nvmlDeviceGetMigMode's currentMode. */
  static final int MIG_ENABLE = 1;

  /** nvmlEventTypeXidCriticalError. */
  static final long EVENT_XID_CRITICAL = 0x8L;

  /**
   * nvmlEventData_t: device (pointer), eventType, eventData, gpuInstanceId, computeInstanceId (_v2
   * era).
   */
  static final int EVENT_DATA_SIZE = 32;

  static final int EVENT_DEVICE = 0;
  static final int EVENT_TYPE = 8;
  static final int EVENT_DATA = 16;
  static final int EVENT_GPU_INSTANCE = 24;
}
