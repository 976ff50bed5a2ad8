package io.opspulse.gpu;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

/** The stand-in's test-only exports, called on the same loaded library the probe binds. */
final class StandinHooks {
  private StandinHooks() {}

  static int initCalls(GpuProbe probe) {
    return fn(probe, "opspulse_standin_init_calls").invokeInt(new Object[0]);
  }

  /** gcc's sizeof/offsetof for a name like "nvmlMemory_v2_t.used"; -1 for an unknown name. */
  static int layout(GpuProbe probe, String what) {
    return fn(probe, "opspulse_standin_layout").invokeInt(new Object[] {what});
  }

  private static Function fn(GpuProbe probe, String name) {
    return NativeLibrary.getInstance(probe.libraryFile()).getFunction(name);
  }
}
