package io.opspulse.gpu;

import java.util.EnumSet;
import java.util.Set;

/** NVML's clock event (throttle) reasons: the bits of nvmlClocksEventReason* in nvml.h. */
public enum ThrottleReason {
  GPU_IDLE(0x1L, "gpu_idle"),
  APPLICATIONS_CLOCKS_SETTING(0x2L, "applications_clocks_setting"),
  SW_POWER_CAP(0x4L, "sw_power_cap"),
  HW_SLOWDOWN(0x8L, "hw_slowdown"),
  SYNC_BOOST(0x10L, "sync_boost"),
  SW_THERMAL_SLOWDOWN(0x20L, "sw_thermal_slowdown"),
  HW_THERMAL_SLOWDOWN(0x40L, "hw_thermal_slowdown"),
  HW_POWER_BRAKE_SLOWDOWN(0x80L, "hw_power_brake_slowdown"),
  DISPLAY_CLOCK_SETTING(0x100L, "display_clock_setting");

  private final long bit;
  private final String label;

  ThrottleReason(long bit, String label) {
    this.bit = bit;
    this.label = label;
  }

  public long bit() {
    return bit;
  }

  /** The value of the {@code reason} label on opspulse_gpu_throttle_active. */
  public String label() {
    return label;
  }

  /** The reasons set in an NVML bit mask; bits this list does not know are ignored. */
  public static Set<ThrottleReason> fromMask(long mask) {
    Set<ThrottleReason> out = EnumSet.noneOf(ThrottleReason.class);
    for (ThrottleReason r : values()) {
      if ((mask & r.bit) != 0) {
        out.add(r);
      }
    }
    return out;
  }
}
