package io.opspulse.gpu;

/**
 * An NVML call that did not return {@code NVML_SUCCESS}: which function, which code, NVML's words.
 */
public final class NvmlException extends RuntimeException {
  private final NvmlReturn code;
  private final int rawCode;
  private final String function;

  NvmlException(String function, int rawCode, String nvmlMessage) {
    // No stack trace: NOT_SUPPORTED and friends come back from every poll for the readings a GPU
    // lacks,
    // and the function and code say all there is to say.
    super(
        function
            + " returned "
            + NvmlReturn.of(rawCode)
            + " ("
            + rawCode
            + ")"
            + (nvmlMessage == null || nvmlMessage.isEmpty() ? "" : ": " + nvmlMessage),
        null,
        false,
        false);
    this.code = NvmlReturn.of(rawCode);
    this.rawCode = rawCode;
    this.function = function;
  }

  public NvmlReturn code() {
    return code;
  }

  /** The number NVML returned, for codes newer than {@link NvmlReturn}. */
  public int rawCode() {
    return rawCode;
  }

  /** The NVML symbol that failed, e.g. {@code nvmlDeviceGetPowerUsage}. */
  public String function() {
    return function;
  }
}
