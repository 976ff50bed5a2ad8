/*
 * A stand-in for NVIDIA's libnvidia-ml.so.1, for tests on machines without a GPU.
 *
 * It exports the NVML symbols gpu-probe binds, with the calling conventions and struct layouts of
 * nvml.h (restated below from NVIDIA's public header, not included, so the build needs no CUDA).
 * What it answers comes from a scenario file named by OPSPULSE_NVML_SCENARIO: lines of
 * "key = value". Keys (N = GPU index):
 *
 * The file is read in full at every nvmlInit, and again at nvmlDeviceGetCount when its mtime or size
 * changed (tests move the mtime forward explicitly: file systems keep it at a few ms' grain).
 *
 *   init = SUCCESS | <error name or number>     what nvmlInit returns
 *   init.fail_through_call = K                   calls 1..K of nvmlInit (counted since the library
 *                                                loaded) fail with `init` (DRIVER_NOT_LOADED if unset)
 *   gpus = <count>
 *   driver_version = 550.54.15
 *   process_struct_bytes = 24 | 32              32 mimics the R535 drivers that grew the struct
 *   gpu.N.name / uuid / pci_bus_id = <text>      \xNN in name, uuid, driver_version: any byte (\x00 too)
 *   gpu.N.name.no_nul / uuid.no_nul = 1          fill the whole buffer, text repeated, no NUL (also
 *   driver_version.no_nul = 1                    for the driver version): a driver ignoring the contract
 *   gpu.N.utilization.gpu / utilization.memory = <percent>
 *   gpu.N.memory.total / memory.used / memory.reserved = <bytes>
 *   gpu.N.temperature = <celsius>      gpu.N.power / power_limit = <milliwatts>
 *   gpu.N.energy = <millijoules>       gpu.N.clock.sm / clock.memory = <MHz>
 *   gpu.N.clock_event_reasons = <bit mask, 0x.. allowed>
 *   gpu.N.ecc.corrected / ecc.uncorrected = <count>
 *   gpu.N.processes = pid:bytes:smPercent, ...  ("-" for bytes: NVML_VALUE_NOT_AVAILABLE)
 *   gpu.N.fail.<field> = <error name>  field: name uuid pci utilization memory temperature power
 *                                       power_limit energy clock.sm clock.memory clock_event_reasons
 *                                       ecc processes process_utilization graphics_processes
 *                                       mps_processes events pcie_replays pcie_throughput nvlink
 *                                       retired_pages remapped_rows mig (gpu.N.mig.M.fail.<field> too)
 *   gpu.N.lost = 1                     every call on the device but the handle returns GPU_IS_LOST
 *   gpu.N.processes_always_grow = 1    the count never fits: tests the growth loop's bound
 *   gpu.N.graphics_processes / mps_processes = pid:bytes, ...   the graphics and MPS client lists
 *   gpu.N.xid = 79, 48, ...            critical XID events, delivered once each, in order, to an event
 *                                      set the GPU is registered on (nvmlEventSetWait returns them)
 *   gpu.N.pcie.replays = <count>       gpu.N.pcie.tx / pcie.rx = <KB/s>
 *   gpu.N.nvlink.links = <count>       absent: NVLink NOT_SUPPORTED; past the last link INVALID_ARGUMENT
 *   gpu.N.nvlink.L.active = 0 | 1      (default 1)
 *   gpu.N.nvlink.L.<replay|recovery|crc_flit|crc_data|ecc_data> = <count> | unsupported
 *   gpu.N.retired.sbe / retired.dbe = <pages>   gpu.N.retired.pending = 0 | 1
 *   gpu.N.remapped.correctable / remapped.uncorrectable = <rows>
 *   gpu.N.remapped.pending / remapped.failed = 0 | 1
 *   gpu.N.mig = 0 | 1                  MIG mode (absent: NOT_SUPPORTED); gpu.N.mig.max = <slots> (7)
 *   gpu.N.mig.M.gi = <GPU instance id> a MIG device in slot M (no gi: an empty slot, NOT_FOUND)
 *   gpu.N.mig.M.profile = 1g.10gb      its name is the parent's name + " MIG " + profile
 *   gpu.N.mig.M.uuid / memory.total / memory.used / processes / graphics_processes / mps_processes
 *                                      a MIG handle answers only name, uuid, memory, the process lists
 *                                      and its GPU instance id; everything else is NOT_SUPPORTED
 *
 * Built twice: as-is ("current": versioned symbols) and with -DOPSPULSE_LEGACY_NVML (only the
 * unversioned symbols of old drivers: nvmlInit, nvmlDeviceGetMemoryInfo, 16-byte process structs,
 * nvmlDeviceGetPciInfo, nvmlDeviceGetCurrentClocksThrottleReasons) to prove the fallbacks.
 */
#include <ctype.h>
#include <pthread.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <stddef.h>
#include <time.h>

typedef int nvmlReturn_t;
enum {
  NVML_SUCCESS = 0, NVML_ERROR_UNINITIALIZED = 1, NVML_ERROR_INVALID_ARGUMENT = 2,
  NVML_ERROR_NOT_SUPPORTED = 3, NVML_ERROR_NO_PERMISSION = 4, NVML_ERROR_NOT_FOUND = 6,
  NVML_ERROR_INSUFFICIENT_SIZE = 7, NVML_ERROR_DRIVER_NOT_LOADED = 9, NVML_ERROR_GPU_IS_LOST = 15,
  NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25, NVML_ERROR_UNKNOWN = 999
};

/* Layouts as in nvml.h. */
typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct { unsigned int version; unsigned long long total, reserved, free, used; } nvmlMemory_v2_t;
typedef struct { unsigned int gpu, memory; } nvmlUtilization_t;
typedef struct { unsigned int pid; unsigned long long usedGpuMemory; } nvmlProcessInfo_v1_t;
typedef struct {
  unsigned int pid; unsigned long long usedGpuMemory; unsigned int gpuInstanceId, computeInstanceId;
} nvmlProcessInfo_v2_t;
typedef struct {
  unsigned int pid; unsigned long long usedGpuMemory; unsigned int gpuInstanceId, computeInstanceId;
  unsigned long long usedGpuCcProtectedMemory;
} nvmlProcessInfo_r535_t;
typedef struct {
  unsigned int pid; unsigned long long timeStamp; unsigned int smUtil, memUtil, encUtil, decUtil;
} nvmlProcessUtilizationSample_t;
typedef struct {
  char busIdLegacy[16]; unsigned int domain, bus, device, pciDeviceId, pciSubSystemId; char busId[32];
} nvmlPciInfo_t;
typedef struct {
  char busId[16]; unsigned int domain, bus, device, pciDeviceId, pciSubSystemId;
  unsigned int reserved0, reserved1, reserved2, reserved3;
} nvmlPciInfo_v1_t;

typedef struct {
  void *device; unsigned long long eventType, eventData; unsigned int gpuInstanceId, computeInstanceId;
} nvmlEventData_t;
typedef struct { void *device; unsigned long long eventType, eventData; } nvmlEventData_v1_t;

#define NVML_STRUCT_VERSION(type, ver) (unsigned int)(sizeof(type) | ((ver) << 24U))
#define NVML_VALUE_NOT_AVAILABLE (~0ULL)
#define MAX_KEYS 1024
#define MAX_GPUS 64
#define MAX_PROCS 4096

#define MAX_MIG 8
#define NVML_ERROR_TIMEOUT 10

/* A GPU, or one of its MIG devices (mig_slot >= 0): every scenario key of a device starts with its prefix. */
struct nvmlDevice_st { unsigned int index; int mig_slot; };
typedef struct nvmlDevice_st *nvmlDevice_t;
struct nvmlEventSet_st { int registered[MAX_GPUS]; };
typedef struct nvmlEventSet_st *nvmlEventSet_t;

static char *keys[MAX_KEYS], *values[MAX_KEYS];
static int nkeys;
static struct timespec loaded_mtime;
static off_t loaded_size;
static int initialized;
static unsigned int init_calls;
static struct nvmlDevice_st devices[MAX_GPUS];
static struct nvmlDevice_st mig_devices[MAX_GPUS][MAX_MIG];
static unsigned int xids_delivered[MAX_GPUS];
/* The event and PCIe threads read the scenario while the poller may reload it: the reload and their
 * reads hold this lock (everything else runs on the one polling thread). */
static pthread_mutex_t scenario_lock = PTHREAD_MUTEX_INITIALIZER;

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  char *e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) *--e = 0;
  return s;
}

static void clear_scenario(void) {
  for (int i = 0; i < nkeys; i++) { free(keys[i]); free(values[i]); }
  nkeys = 0;
}

/* Loads the scenario when it is new or changed; a missing variable or file means "no GPUs". */
static void load_scenario_locked(int force);
static void load_scenario(int force) {
  pthread_mutex_lock(&scenario_lock);
  load_scenario_locked(force);
  pthread_mutex_unlock(&scenario_lock);
}

static void load_scenario_locked(int force) {
  const char *path = getenv("OPSPULSE_NVML_SCENARIO");
  struct stat st;
  if (path == NULL || stat(path, &st) != 0) { clear_scenario(); return; }
  if (!force && nkeys > 0 && st.st_mtim.tv_sec == loaded_mtime.tv_sec && st.st_mtim.tv_nsec == loaded_mtime.tv_nsec
      && st.st_size == loaded_size) return;
  FILE *f = fopen(path, "r");
  if (f == NULL) { clear_scenario(); return; }
  clear_scenario();
  char line[65536];
  while (fgets(line, sizeof line, f) != NULL && nkeys < MAX_KEYS) {
    char *l = trim(line);
    if (*l == 0 || *l == '#') continue;
    char *eq = strchr(l, '=');
    if (eq == NULL) continue;
    *eq = 0;
    keys[nkeys] = strdup(trim(l));
    values[nkeys] = strdup(trim(eq + 1));
    nkeys++;
  }
  fclose(f);
  loaded_mtime = st.st_mtim;
  loaded_size = st.st_size;
}

static const char *get(const char *key) {
  for (int i = nkeys - 1; i >= 0; i--) if (strcmp(keys[i], key) == 0) return values[i];
  return NULL;
}

static const char *gpu_get(unsigned int index, const char *field) {
  char key[256];
  snprintf(key, sizeof key, "gpu.%u.%s", index, field);
  return get(key);
}

static unsigned long long gpu_num(unsigned int index, const char *field, unsigned long long dflt) {
  const char *v = gpu_get(index, field);
  return v == NULL ? dflt : strtoull(v, NULL, 0);
}

static int is_mig(nvmlDevice_t device) { return device->mig_slot >= 0; }

/* "gpu.N" or "gpu.N.mig.M": where a device's keys live. */
static const char *dev_get(nvmlDevice_t device, const char *field) {
  char key[256];
  if (is_mig(device)) snprintf(key, sizeof key, "gpu.%u.mig.%d.%s", device->index, device->mig_slot, field);
  else snprintf(key, sizeof key, "gpu.%u.%s", device->index, field);
  return get(key);
}

static unsigned long long dev_num(nvmlDevice_t device, const char *field, unsigned long long dflt) {
  const char *v = dev_get(device, field);
  return v == NULL ? dflt : strtoull(v, NULL, 0);
}

static const struct { const char *name; nvmlReturn_t code; } ERROR_NAMES[] = {
  {"SUCCESS", 0}, {"UNINITIALIZED", 1}, {"INVALID_ARGUMENT", 2}, {"NOT_SUPPORTED", 3},
  {"NO_PERMISSION", 4}, {"ALREADY_INITIALIZED", 5}, {"NOT_FOUND", 6}, {"INSUFFICIENT_SIZE", 7},
  {"INSUFFICIENT_POWER", 8}, {"DRIVER_NOT_LOADED", 9}, {"TIMEOUT", 10}, {"IRQ_ISSUE", 11},
  {"LIBRARY_NOT_FOUND", 12}, {"FUNCTION_NOT_FOUND", 13}, {"CORRUPTED_INFOROM", 14}, {"GPU_IS_LOST", 15},
  {"RESET_REQUIRED", 16}, {"OPERATING_SYSTEM", 17}, {"LIB_RM_VERSION_MISMATCH", 18}, {"IN_USE", 19},
  {"MEMORY", 20}, {"NO_DATA", 21}, {"ARGUMENT_VERSION_MISMATCH", 25}, {"UNKNOWN", 999},
};

static nvmlReturn_t parse_error(const char *v) {
  if (v == NULL) return NVML_SUCCESS;
  for (size_t i = 0; i < sizeof ERROR_NAMES / sizeof ERROR_NAMES[0]; i++)
    if (strcasecmp(v, ERROR_NAMES[i].name) == 0) return ERROR_NAMES[i].code;
  return (nvmlReturn_t) strtol(v, NULL, 0);
}

static unsigned int gpu_count(void) {
  const char *v = get("gpus");
  unsigned int n = v == NULL ? 0 : (unsigned int) strtoul(v, NULL, 0);
  return n > MAX_GPUS ? MAX_GPUS : n;
}

/* The common prologue of every device query: initialised, valid handle, not lost, field not failed. */
static const char *const MIG_FIELDS[] = {
  "name", "uuid", "memory", "processes", "graphics_processes", "mps_processes", "gpu_instance_id", NULL
};

static nvmlReturn_t check(nvmlDevice_t device, const char *field) {
  if (!initialized) return NVML_ERROR_UNINITIALIZED;
  int gpu = device >= devices && device < devices + MAX_GPUS;
  int mig = device >= &mig_devices[0][0] && device < &mig_devices[0][0] + MAX_GPUS * MAX_MIG;
  if (device == NULL || (!gpu && !mig)) return NVML_ERROR_INVALID_ARGUMENT;
  if (device->index >= gpu_count()) return NVML_ERROR_INVALID_ARGUMENT;
  if (gpu_num(device->index, "lost", 0) != 0) return NVML_ERROR_GPU_IS_LOST;
  if (is_mig(device)) {
    if (gpu_num(device->index, "mig", 0) != 1 || dev_get(device, "gi") == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    int allowed = 0;
    for (int i = 0; MIG_FIELDS[i] != NULL; i++) if (strcmp(MIG_FIELDS[i], field) == 0) allowed = 1;
    if (!allowed) return NVML_ERROR_NOT_SUPPORTED;
  }
  char key[128];
  snprintf(key, sizeof key, "fail.%s", field);
  return parse_error(dev_get(device, key));
}

#define CHECK(device, field) do { nvmlReturn_t r_ = check(device, field); if (r_ != NVML_SUCCESS) return r_; } while (0)

/* Scenario text may carry any byte as \xNN (\x00 too), so that a test can hand the probe what a broken
 * driver would: invalid UTF-8, control characters, a NUL in the middle. Returns the decoded length. */
static size_t decode_escapes(const char *text, char *out, size_t cap) {
  size_t n = 0;
  for (const char *p = text; *p != 0 && n < cap; ) {
    unsigned int byte;
    if (p[0] == '\\' && p[1] == 'x' && isxdigit((unsigned char) p[2]) && isxdigit((unsigned char) p[3])
        && sscanf(p + 2, "%2x", &byte) == 1) {
      out[n++] = (char) byte;
      p += 4;
    } else {
      out[n++] = *p++;
    }
  }
  return n;
}

/* Copies a text answer into the caller's buffer of `length` bytes. With no_nul set it behaves as a
 * driver that ignores the terminator: the text, repeated, fills every byte and no NUL follows. */
static nvmlReturn_t copy_text(const char *text, char *out, unsigned int length, const char *no_nul) {
  static char decoded[65536];
  if (out == NULL || length == 0) return NVML_ERROR_INVALID_ARGUMENT;
  size_t n = decode_escapes(text, decoded, sizeof decoded);
  if (no_nul != NULL && strcmp(no_nul, "1") == 0) {
    for (unsigned int i = 0; i < length; i++) out[i] = n == 0 ? 'X' : decoded[i % n];
    return NVML_SUCCESS;
  }
  if (n + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
  memcpy(out, decoded, n);
  out[n] = 0;
  return NVML_SUCCESS;
}

static nvmlReturn_t do_init(void) {
  init_calls++;
  load_scenario(1);
  nvmlReturn_t r = parse_error(get("init"));
  const char *through = get("init.fail_through_call");
  if (through != NULL) {
    if (init_calls <= strtoul(through, NULL, 0)) return r != NVML_SUCCESS ? r : NVML_ERROR_DRIVER_NOT_LOADED;
  } else if (r != NVML_SUCCESS) {
    return r;
  }
  for (unsigned int i = 0; i < MAX_GPUS; i++) {
    devices[i].index = i;
    devices[i].mig_slot = -1;
    xids_delivered[i] = 0;
    for (int m = 0; m < MAX_MIG; m++) { mig_devices[i][m].index = i; mig_devices[i][m].mig_slot = m; }
  }
  initialized++;
  return NVML_SUCCESS;
}

static nvmlReturn_t do_count(unsigned int *count) {
  if (!initialized) return NVML_ERROR_UNINITIALIZED;
  if (count == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  load_scenario(0);
  *count = gpu_count();
  return NVML_SUCCESS;
}

static nvmlReturn_t do_handle(unsigned int index, nvmlDevice_t *device) {
  if (!initialized) return NVML_ERROR_UNINITIALIZED;
  if (device == NULL || index >= gpu_count()) return NVML_ERROR_INVALID_ARGUMENT;
  *device = &devices[index];
  return NVML_SUCCESS;
}

/* --- Process lists: the caller passes its capacity in *count; too small -> INSUFFICIENT_SIZE. --- */
struct proc { unsigned int pid; unsigned long long bytes; unsigned int sm; };

static int parse_processes(nvmlDevice_t device, const char *list, struct proc *out, int max) {
  const char *v = dev_get(device, list);
  if (v == NULL || *v == 0) return 0;
  char *copy = strdup(v), *save = NULL;
  int n = 0;
  for (char *tok = strtok_r(copy, ",", &save); tok != NULL && n < max; tok = strtok_r(NULL, ",", &save)) {
    char *t = trim(tok);
    char *c1 = strchr(t, ':');
    out[n].pid = (unsigned int) strtoul(t, NULL, 10);
    out[n].bytes = 0;
    out[n].sm = 0;
    if (c1 != NULL) {
      out[n].bytes = c1[1] == '-' ? NVML_VALUE_NOT_AVAILABLE : strtoull(c1 + 1, NULL, 10);
      char *c2 = strchr(c1 + 1, ':');
      if (c2 != NULL) out[n].sm = (unsigned int) strtoul(c2 + 1, NULL, 10);
    }
    n++;
  }
  free(copy);
  return n;
}

static struct proc procs[MAX_PROCS];

static nvmlReturn_t running_processes(nvmlDevice_t device, const char *list, unsigned int *count, void *infos,
                                      size_t stride) {
  CHECK(device, list);
  if (count == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  int n = parse_processes(device, list, procs, MAX_PROCS);
  unsigned int capacity = *count;
  if (strcmp(list, "processes") == 0 && dev_num(device, "processes_always_grow", 0)) { *count = capacity + 1; return NVML_ERROR_INSUFFICIENT_SIZE; }
  *count = (unsigned int) n;
  if ((unsigned int) n > capacity) return NVML_ERROR_INSUFFICIENT_SIZE;
  if (n > 0 && infos == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  for (int i = 0; i < n; i++) {
    char *entry = (char *) infos + (size_t) i * stride;
    if (stride == sizeof(nvmlProcessInfo_v1_t)) {
      nvmlProcessInfo_v1_t p = { procs[i].pid, procs[i].bytes };
      memcpy(entry, &p, sizeof p);
    } else {
      unsigned int gi = is_mig(device) ? (unsigned int) dev_num(device, "gi", 0) : 0xFFFFFFFFu;
      nvmlProcessInfo_r535_t p = { procs[i].pid, procs[i].bytes, gi, is_mig(device) ? 0 : 0xFFFFFFFFu, 0 };
      memcpy(entry, &p, stride);
    }
  }
  return NVML_SUCCESS;
}

/* ------------------------------------------------------------------------------------------------ */

#ifdef OPSPULSE_LEGACY_NVML
nvmlReturn_t nvmlInit(void) { return do_init(); }
nvmlReturn_t nvmlDeviceGetCount(unsigned int *count) { return do_count(count); }
nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index, nvmlDevice_t *device) { return do_handle(index, device); }
#else
nvmlReturn_t nvmlInit_v2(void) { return do_init(); }
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) { return do_count(count); }
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) { return do_handle(index, device); }
#endif

nvmlReturn_t nvmlShutdown(void) {
  if (!initialized) return NVML_ERROR_UNINITIALIZED;
  initialized--;
  return NVML_SUCCESS;
}

const char *nvmlErrorString(nvmlReturn_t result) {
  switch (result) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
    case NVML_ERROR_NOT_FOUND: return "Not Found";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
    case NVML_ERROR_ARGUMENT_VERSION_MISMATCH: return "Argument version mismatch";
    default: return "Unknown Error";
  }
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
  if (!initialized) return NVML_ERROR_UNINITIALIZED;
  const char *v = get("driver_version");
  return copy_text(v == NULL ? "000.00.00-standin" : v, version, length, get("driver_version.no_nul"));
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
  CHECK(device, "name");
  const char *v = gpu_get(device->index, "name");
  if (is_mig(device)) {
    char mig_name[512];
    const char *profile = dev_get(device, "profile");
    snprintf(mig_name, sizeof mig_name, "%s MIG %s", v == NULL ? "Stand-in GPU" : v, profile == NULL ? "1g.5gb" : profile);
    return copy_text(mig_name, name, length, NULL);
  }
  return copy_text(v == NULL ? "Stand-in GPU" : v, name, length, gpu_get(device->index, "name.no_nul"));
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
  CHECK(device, "uuid");
  const char *v = dev_get(device, "uuid");
  char fallback[64];
  if (is_mig(device)) snprintf(fallback, sizeof fallback, "MIG-00000000-0000-0000-%04u-%012d", device->index, device->mig_slot);
  else snprintf(fallback, sizeof fallback, "GPU-00000000-0000-0000-0000-%012u", device->index);
  return copy_text(v == NULL ? fallback : v, uuid, length, gpu_get(device->index, "uuid.no_nul"));
}

static const char *bus_id(nvmlDevice_t device, char *fallback, size_t size) {
  const char *v = gpu_get(device->index, "pci_bus_id");
  if (v != NULL) return v;
  snprintf(fallback, size, "00000000:%02X:00.0", device->index + 1);
  return fallback;
}

#ifdef OPSPULSE_LEGACY_NVML
nvmlReturn_t nvmlDeviceGetPciInfo(nvmlDevice_t device, nvmlPciInfo_v1_t *pci) {
  CHECK(device, "pci");
  if (pci == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  char fb[32];
  const char *id = bus_id(device, fb, sizeof fb);
  memset(pci, 0, sizeof *pci);
  /* Old drivers report the 4-digit domain form. */
  snprintf(pci->busId, sizeof pci->busId, "%s", strlen(id) > 12 ? id + strlen(id) - 12 : id);
  pci->bus = device->index + 1;
  return NVML_SUCCESS;
}
#else
nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *pci) {
  CHECK(device, "pci");
  if (pci == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  char fb[32];
  const char *id = bus_id(device, fb, sizeof fb);
  memset(pci, 0, sizeof *pci);
  snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "%s", strlen(id) > 12 ? id + strlen(id) - 12 : id);
  snprintf(pci->busId, sizeof pci->busId, "%s", id);
  pci->bus = device->index + 1;
  return NVML_SUCCESS;
}
#endif

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization) {
  CHECK(device, "utilization");
  if (utilization == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  utilization->gpu = (unsigned int) gpu_num(device->index, "utilization.gpu", 0);
  utilization->memory = (unsigned int) gpu_num(device->index, "utilization.memory", 0);
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory) {
  CHECK(device, "memory");
  if (memory == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  memory->total = dev_num(device, "memory.total", 0);
  /* v1 counts the driver's reservation as used. */
  memory->used = dev_num(device, "memory.used", 0) + dev_num(device, "memory.reserved", 0);
  memory->free = memory->total - memory->used;
  return NVML_SUCCESS;
}

#ifndef OPSPULSE_LEGACY_NVML
nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory) {
  CHECK(device, "memory");
  if (memory == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  if (memory->version != NVML_STRUCT_VERSION(nvmlMemory_v2_t, 2)) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
  memory->total = dev_num(device, "memory.total", 0);
  memory->reserved = dev_num(device, "memory.reserved", 0);
  memory->used = dev_num(device, "memory.used", 0);
  memory->free = memory->total - memory->reserved - memory->used;
  return NVML_SUCCESS;
}
#endif

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, int sensor, unsigned int *temp) {
  CHECK(device, "temperature");
  if (temp == NULL || sensor != 0) return NVML_ERROR_INVALID_ARGUMENT;
  *temp = (unsigned int) gpu_num(device->index, "temperature", 0);
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power) {
  CHECK(device, "power");
  if (power == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  *power = (unsigned int) gpu_num(device->index, "power", 0);
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit) {
  CHECK(device, "power_limit");
  if (limit == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  *limit = (unsigned int) gpu_num(device->index, "power_limit", 0);
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *energy) {
  CHECK(device, "energy");
  if (energy == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  *energy = gpu_num(device->index, "energy", 0);
  return NVML_SUCCESS;
}

/* nvmlClockType_t: GRAPHICS 0, SM 1, MEM 2, VIDEO 3. */
nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, int type, unsigned int *clock) {
  if (clock == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  if (type == 1) { CHECK(device, "clock.sm"); *clock = (unsigned int) gpu_num(device->index, "clock.sm", 0); }
  else if (type == 2) { CHECK(device, "clock.memory"); *clock = (unsigned int) gpu_num(device->index, "clock.memory", 0); }
  else return NVML_ERROR_INVALID_ARGUMENT;
  return NVML_SUCCESS;
}

static nvmlReturn_t clock_reasons(nvmlDevice_t device, unsigned long long *reasons) {
  CHECK(device, "clock_event_reasons");
  if (reasons == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  *reasons = gpu_num(device->index, "clock_event_reasons", 0);
  return NVML_SUCCESS;
}

#ifndef OPSPULSE_LEGACY_NVML
nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device, unsigned long long *reasons) {
  return clock_reasons(device, reasons);
}
#endif
nvmlReturn_t nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t device, unsigned long long *reasons) {
  return clock_reasons(device, reasons);
}

/* errorType: CORRECTED 0, UNCORRECTED 1; counterType: VOLATILE 0, AGGREGATE 1. */
nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t device, int errorType, int counterType,
                                         unsigned long long *eccCounts) {
  CHECK(device, "ecc");
  if (eccCounts == NULL || counterType < 0 || counterType > 1) return NVML_ERROR_INVALID_ARGUMENT;
  if (errorType == 0) *eccCounts = gpu_num(device->index, "ecc.corrected", 0);
  else if (errorType == 1) *eccCounts = gpu_num(device->index, "ecc.uncorrected", 0);
  else return NVML_ERROR_INVALID_ARGUMENT;
  return NVML_SUCCESS;
}

#ifdef OPSPULSE_LEGACY_NVML
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_v1_t *infos) {
  return running_processes(device, "processes", count, infos, sizeof(nvmlProcessInfo_v1_t));
}
nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_v1_t *infos) {
  return running_processes(device, "graphics_processes", count, infos, sizeof(nvmlProcessInfo_v1_t));
}
#else
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_v2_t *infos) {
  const char *b = get("process_struct_bytes");
  size_t stride = b != NULL && strtoul(b, NULL, 10) == 32 ? sizeof(nvmlProcessInfo_r535_t) : sizeof(nvmlProcessInfo_v2_t);
  return running_processes(device, "processes", count, infos, stride);
}
static size_t v3_stride(void) {
  const char *b = get("process_struct_bytes");
  return b != NULL && strtoul(b, NULL, 10) == 32 ? sizeof(nvmlProcessInfo_r535_t) : sizeof(nvmlProcessInfo_v2_t);
}
nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_v2_t *infos) {
  return running_processes(device, "graphics_processes", count, infos, v3_stride());
}
nvmlReturn_t nvmlDeviceGetMPSComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_v2_t *infos) {
  return running_processes(device, "mps_processes", count, infos, v3_stride());
}
#endif

nvmlReturn_t nvmlDeviceGetProcessUtilization(nvmlDevice_t device, nvmlProcessUtilizationSample_t *utilization,
                                             unsigned int *processSamplesCount, unsigned long long lastSeenTimeStamp) {
  CHECK(device, "process_utilization");
  if (processSamplesCount == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  int n = parse_processes(device, "processes", procs, MAX_PROCS);
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  unsigned long long stamp = (unsigned long long) now.tv_sec * 1000000ULL + (unsigned long long) now.tv_nsec / 1000ULL;
  if (stamp <= lastSeenTimeStamp) n = 0;
  if (n == 0) { *processSamplesCount = 0; return NVML_ERROR_NOT_FOUND; }
  if (utilization == NULL || *processSamplesCount < (unsigned int) n) {
    *processSamplesCount = (unsigned int) n;
    return NVML_ERROR_INSUFFICIENT_SIZE;
  }
  for (int i = 0; i < n; i++) {
    nvmlProcessUtilizationSample_t s = { procs[i].pid, stamp, procs[i].sm, 0, 0, 0 };
    utilization[i] = s;
  }
  *processSamplesCount = (unsigned int) n;
  return NVML_SUCCESS;
}

/* ---- PCIe, NVLink, retired pages, remapped rows ---- */

nvmlReturn_t nvmlDeviceGetPcieReplayCounter(nvmlDevice_t device, unsigned int *value) {
  CHECK(device, "pcie_replays");
  if (value == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  *value = (unsigned int) gpu_num(device->index, "pcie.replays", 0);
  return NVML_SUCCESS;
}

/* nvmlPcieUtilCounter_t: TX_BYTES 0, RX_BYTES 1; KB/s. The probe calls it from a sampling thread of
 * its own (a real driver counts for 20 ms): it reads the scenario under the lock. */
static nvmlReturn_t pcie_throughput(nvmlDevice_t device, int counter, unsigned int *value) {
  CHECK(device, "pcie_throughput");
  if (value == NULL || counter < 0 || counter > 1) return NVML_ERROR_INVALID_ARGUMENT;
  *value = (unsigned int) gpu_num(device->index, counter == 0 ? "pcie.tx" : "pcie.rx", 0);
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPcieThroughput(nvmlDevice_t device, int counter, unsigned int *value) {
  pthread_mutex_lock(&scenario_lock);
  nvmlReturn_t r = pcie_throughput(device, counter, value);
  pthread_mutex_unlock(&scenario_lock);
  return r;
}

static nvmlReturn_t nvlink_check(nvmlDevice_t device, unsigned int link) {
  CHECK(device, "nvlink");
  const char *links = gpu_get(device->index, "nvlink.links");
  if (links == NULL) return NVML_ERROR_NOT_SUPPORTED;
  if (link >= strtoul(links, NULL, 0)) return NVML_ERROR_INVALID_ARGUMENT;
  return NVML_SUCCESS;
}

/* nvmlEnableState_t: DISABLED 0, ENABLED 1. */
nvmlReturn_t nvmlDeviceGetNvLinkState(nvmlDevice_t device, unsigned int link, int *isActive) {
  nvmlReturn_t r = nvlink_check(device, link);
  if (r != NVML_SUCCESS) return r;
  if (isActive == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  char key[64];
  snprintf(key, sizeof key, "nvlink.%u.active", link);
  *isActive = (int) gpu_num(device->index, key, 1);
  return NVML_SUCCESS;
}

static const char *const NVLINK_COUNTERS[] = {"replay", "recovery", "crc_flit", "crc_data", "ecc_data"};

nvmlReturn_t nvmlDeviceGetNvLinkErrorCounter(nvmlDevice_t device, unsigned int link, int counter,
                                             unsigned long long *value) {
  nvmlReturn_t r = nvlink_check(device, link);
  if (r != NVML_SUCCESS) return r;
  if (value == NULL || counter < 0 || counter > 4) return NVML_ERROR_INVALID_ARGUMENT;
  char key[64];
  snprintf(key, sizeof key, "nvlink.%u.%s", link, NVLINK_COUNTERS[counter]);
  const char *v = gpu_get(device->index, key);
  if (v != NULL && strcmp(v, "unsupported") == 0) return NVML_ERROR_NOT_SUPPORTED;
  *value = v == NULL ? 0 : strtoull(v, NULL, 0);
  return NVML_SUCCESS;
}

/* nvmlPageRetirementCause_t: MULTIPLE_SINGLE_BIT_ECC_ERRORS 0, DOUBLE_BIT_ECC_ERROR 1. */
nvmlReturn_t nvmlDeviceGetRetiredPages(nvmlDevice_t device, int cause, unsigned int *pageCount,
                                       unsigned long long *addresses) {
  CHECK(device, "retired_pages");
  if (pageCount == NULL || cause < 0 || cause > 1) return NVML_ERROR_INVALID_ARGUMENT;
  unsigned int n = (unsigned int) gpu_num(device->index, cause == 0 ? "retired.sbe" : "retired.dbe", 0);
  if (*pageCount < n) { *pageCount = n; return NVML_ERROR_INSUFFICIENT_SIZE; }
  if (n > 0 && addresses == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  for (unsigned int i = 0; i < n; i++) addresses[i] = 0x1000ULL * (i + 1);
  *pageCount = n;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetRetiredPagesPendingStatus(nvmlDevice_t device, int *isPending) {
  CHECK(device, "retired_pages");
  if (isPending == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  *isPending = (int) gpu_num(device->index, "retired.pending", 0);
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetRemappedRows(nvmlDevice_t device, unsigned int *corrRows, unsigned int *uncRows,
                                       unsigned int *isPending, unsigned int *failureOccurred) {
  CHECK(device, "remapped_rows");
  if (corrRows == NULL || uncRows == NULL || isPending == NULL || failureOccurred == NULL)
    return NVML_ERROR_INVALID_ARGUMENT;
  *corrRows = (unsigned int) gpu_num(device->index, "remapped.correctable", 0);
  *uncRows = (unsigned int) gpu_num(device->index, "remapped.uncorrectable", 0);
  *isPending = (unsigned int) gpu_num(device->index, "remapped.pending", 0);
  *failureOccurred = (unsigned int) gpu_num(device->index, "remapped.failed", 0);
  return NVML_SUCCESS;
}

/* ---- MIG ---- */

nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device, unsigned int *currentMode, unsigned int *pendingMode) {
  CHECK(device, "mig");
  if (currentMode == NULL || pendingMode == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  const char *v = gpu_get(device->index, "mig");
  if (v == NULL) return NVML_ERROR_NOT_SUPPORTED;
  *currentMode = *pendingMode = (unsigned int) strtoul(v, NULL, 0);
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t device, unsigned int *count) {
  CHECK(device, "mig");
  if (count == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  if (gpu_get(device->index, "mig") == NULL) return NVML_ERROR_NOT_SUPPORTED;
  unsigned long long max = gpu_num(device->index, "mig.max", 7);
  *count = (unsigned int) (max > MAX_MIG ? MAX_MIG : max);
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned int index, nvmlDevice_t *migDevice) {
  CHECK(device, "mig");
  if (migDevice == NULL || is_mig(device) || index >= MAX_MIG) return NVML_ERROR_INVALID_ARGUMENT;
  if (gpu_num(device->index, "mig", 0) != 1) return NVML_ERROR_INVALID_ARGUMENT;
  char key[64];
  snprintf(key, sizeof key, "mig.%u.gi", index);
  if (gpu_get(device->index, key) == NULL) return NVML_ERROR_NOT_FOUND;
  *migDevice = &mig_devices[device->index][index];
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetGpuInstanceId(nvmlDevice_t device, unsigned int *id) {
  CHECK(device, "gpu_instance_id");
  if (id == NULL || !is_mig(device)) return NVML_ERROR_INVALID_ARGUMENT;
  *id = (unsigned int) dev_num(device, "gi", 0);
  return NVML_SUCCESS;
}

/* ---- XID events: delivered from gpu.N.xid, once each, to the sets the GPU is registered on ---- */

nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t *set) {
  if (!initialized) return NVML_ERROR_UNINITIALIZED;
  if (set == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  *set = calloc(1, sizeof **set);
  return *set == NULL ? NVML_ERROR_UNKNOWN : NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t device, unsigned long long eventTypes, nvmlEventSet_t set) {
  CHECK(device, "events");
  if (set == NULL || is_mig(device)) return NVML_ERROR_INVALID_ARGUMENT;
  if ((eventTypes & 0x8ULL) == 0) return NVML_ERROR_NOT_SUPPORTED;
  set->registered[device->index] = 1;
  return NVML_SUCCESS;
}

/* The next undelivered XID of a registered GPU: 1 and its fields when there is one. */
static int next_xid(nvmlEventSet_t set, unsigned int *gpu, unsigned long long *xid) {
  int found = 0;
  pthread_mutex_lock(&scenario_lock);
  for (unsigned int i = 0; i < gpu_count() && !found; i++) {
    const char *v = set->registered[i] ? gpu_get(i, "xid") : NULL;
    if (v == NULL) continue;
    unsigned int n = 0;
    for (const char *p = v; *p != 0; ) {
      char *end;
      unsigned long long x = strtoull(p, &end, 0);
      if (end == p) { p++; continue; }
      if (n++ == xids_delivered[i]) { *gpu = i; *xid = x; xids_delivered[i]++; found = 1; break; }
      p = end;
    }
  }
  pthread_mutex_unlock(&scenario_lock);
  return found;
}

static nvmlReturn_t event_wait(nvmlEventSet_t set, void *data, size_t size, unsigned int timeoutms) {
  if (!initialized) return NVML_ERROR_UNINITIALIZED;
  if (set == NULL || data == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  for (unsigned int waited = 0; ; waited += 5) {
    unsigned int gpu = 0;
    unsigned long long xid = 0;
    if (next_xid(set, &gpu, &xid)) {
      nvmlEventData_t e = { &devices[gpu], 0x8ULL, xid, 0xFFFFFFFFu, 0xFFFFFFFFu };
      memcpy(data, &e, size);
      return NVML_SUCCESS;
    }
    if (waited >= timeoutms) return NVML_ERROR_TIMEOUT;
    struct timespec step = { 0, 5 * 1000 * 1000 };
    nanosleep(&step, NULL);
  }
}

#ifdef OPSPULSE_LEGACY_NVML
nvmlReturn_t nvmlEventSetWait(nvmlEventSet_t set, nvmlEventData_v1_t *data, unsigned int timeoutms) {
  return event_wait(set, data, sizeof(nvmlEventData_v1_t), timeoutms);
}
#else
nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t *data, unsigned int timeoutms) {
  return event_wait(set, data, sizeof(nvmlEventData_t), timeoutms);
}
#endif

nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set) {
  if (set == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  free(set);
  return NVML_SUCCESS;
}

/* ---- Test hooks: not NVML, named so that no real driver could export them. ---- */

unsigned int opspulse_standin_init_calls(void) { return init_calls; }

/* sizeof and offsetof of the nvml.h layouts as gcc lays them out, so the Java offsets are checked. */
int opspulse_standin_layout(const char *what) {
#define L(name, expr) if (strcmp(what, name) == 0) return (int) (expr)
  L("nvmlMemory_t", sizeof(nvmlMemory_t));
  L("nvmlMemory_t.used", offsetof(nvmlMemory_t, used));
  L("nvmlMemory_v2_t", sizeof(nvmlMemory_v2_t));
  L("nvmlMemory_v2_t.total", offsetof(nvmlMemory_v2_t, total));
  L("nvmlMemory_v2_t.reserved", offsetof(nvmlMemory_v2_t, reserved));
  L("nvmlMemory_v2_t.used", offsetof(nvmlMemory_v2_t, used));
  L("nvmlMemory_v2", NVML_STRUCT_VERSION(nvmlMemory_v2_t, 2));
  L("nvmlUtilization_t", sizeof(nvmlUtilization_t));
  L("nvmlProcessInfo_v1_t", sizeof(nvmlProcessInfo_v1_t));
  L("nvmlProcessInfo_v1_t.usedGpuMemory", offsetof(nvmlProcessInfo_v1_t, usedGpuMemory));
  L("nvmlProcessInfo_v2_t", sizeof(nvmlProcessInfo_v2_t));
  L("nvmlProcessInfo_v2_t.usedGpuMemory", offsetof(nvmlProcessInfo_v2_t, usedGpuMemory));
  L("nvmlProcessInfo_r535_t", sizeof(nvmlProcessInfo_r535_t));
  L("nvmlProcessUtilizationSample_t", sizeof(nvmlProcessUtilizationSample_t));
  L("nvmlProcessUtilizationSample_t.timeStamp", offsetof(nvmlProcessUtilizationSample_t, timeStamp));
  L("nvmlProcessUtilizationSample_t.smUtil", offsetof(nvmlProcessUtilizationSample_t, smUtil));
  L("nvmlPciInfo_t", sizeof(nvmlPciInfo_t));
  L("nvmlPciInfo_t.busId", offsetof(nvmlPciInfo_t, busId));
  L("nvmlPciInfo_v1_t", sizeof(nvmlPciInfo_v1_t));
  L("nvmlEventData_t", sizeof(nvmlEventData_t));
  L("nvmlEventData_t.eventType", offsetof(nvmlEventData_t, eventType));
  L("nvmlEventData_t.eventData", offsetof(nvmlEventData_t, eventData));
  L("nvmlEventData_t.gpuInstanceId", offsetof(nvmlEventData_t, gpuInstanceId));
#undef L
  return -1;
}
