package io.opspulse.gpu;

/**
 * Which of NVML's process lists named a pid: compute (CUDA), graphics (OpenGL/Vulkan), both
 * (nvidia-smi's C+G), or an MPS client (its work runs inside the MPS server, which itself shows as
 * compute).
 */
public enum ProcessType {
  COMPUTE("compute"),
  GRAPHICS("graphics"),
  COMPUTE_GRAPHICS("compute_graphics"),
  MPS("mps");

  private final String label;

  ProcessType(String label) {
    this.label = label;
  }

  /** The value of the {@code process_type} label. */
  public String label() {
    return label;
  }

  /**
   * The type of a pid found in the given lists; an MPS client is an MPS client whatever else lists
   * it.
   */
  static ProcessType of(boolean compute, boolean graphics, boolean mps) {
    if (mps) {
      return MPS;
    }
    if (compute && graphics) {
      return COMPUTE_GRAPHICS;
    }
    return graphics ? GRAPHICS : COMPUTE;
  }
}
