package io.opspulse.gpu;

/** Whether the probe is reporting, and if not, which step stopped it. */
public enum ProbeStatus {
  /** NVML loaded, initialised and answered the last poll. */
  OK("ok"),
  /**
   * No libnvidia-ml.so.1 could be loaded: no driver, or the library is not mounted into the
   * container.
   */
  LIBRARY_MISSING("library_missing"),
  /** A library was found but lacks NVML's required symbols. */
  SYMBOL_MISSING("symbol_missing"),
  /** nvmlInit failed (driver not loaded, no permission, ...): the reason names NVML's code. */
  INIT_FAILED("init_failed"),
  /** NVML was initialised but could not list the GPUs in the last poll. */
  POLL_FAILED("poll_failed"),
  /** The probe was closed. */
  CLOSED("closed");

  private final String label;

  ProbeStatus(String label) {
    this.label = label;
  }

  /** The value of the {@code status} label on opspulse_gpu_probe_status. */
  public String label() {
    return label;
  }
}
