package io.opspulse.agent.core;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One instrumentation, in one place, as OpenTelemetry's {@code TypeInstrumentation}s are: which
 * classes it targets, which of their methods get which calls into {@code Hooks}, and the {@code
 * instrument} setting that turns it on. {@link ClassGate} reads the targets (and, for {@link
 * TypeTarget#implementing} targets, the advised methods) and {@link HookWeaver} weaves the calls;
 * both walk {@link Instrumentations#all()}.
 *
 * <p>Implementations hold JDK types only: the gate reads them at premain, before the bootstrap
 * bridge the woven calls go to.
 */
interface TypeInstrumentation {
  /** The {@code instrument} setting that turns this instrumentation on. */
  Instrumentation setting();

  /** The classes it changes: by exact name, or the concrete implementations of API types. */
  TypeTarget target();

  /** Which declared methods of a target get which calls. */
  List<MethodAdvice> advice();

  /**
   * The calls woven into the methods {@code methods} selects: {@code enter} first thing (the
   * instance is not yet made in a constructor, so never there), {@code exit} before every normal
   * return and, when {@code onThrowable}, also where the method throws (then with the exception as
   * {@link HookArg#THROWN}, and rethrowing it).
   */
  record MethodAdvice(
      MethodSpec methods, @Nullable HookCall enter, @Nullable HookCall exit, boolean onThrowable) {
    public MethodAdvice {
      if (enter != null) {
        if (methods.isConstructor()) {
          throw refused(methods, ": no enter call in a constructor");
        }
        if (enter.result() == HookCall.Result.REPLACE_RETURN) {
          throw refused(methods, ": an enter call cannot replace the return");
        }
        for (HookArg a : enter.args()) {
          if (a.kind() == HookArg.Kind.ENTER
              || a.kind() == HookArg.Kind.RETURNED
              || a.kind() == HookArg.Kind.THROWN) {
            throw refused(methods, ": an enter call cannot take ".concat(a.toString()));
          }
        }
      }
      if (exit != null) {
        if (exit.result() != HookCall.Result.NONE
            && exit.result() != HookCall.Result.REPLACE_RETURN) {
          throw refused(methods, ": an exit call returns nothing or the return");
        }
        for (HookArg a : exit.args()) {
          if (a.kind() == HookArg.Kind.ENTER
              && (enter == null || enter.result() != HookCall.Result.ENTER_VALUE)) {
            throw refused(methods, ": ENTER without an enter value");
          }
        }
      }
      if (onThrowable && (exit == null || methods.isConstructor())) {
        throw refused(methods, ": onThrowable needs an exit, not a constructor");
      }
    }

    /** Built only on the failure path: premain avoids string concatenation's bootstrap. */
    private static IllegalArgumentException refused(MethodSpec methods, String why) {
      return new IllegalArgumentException(methods.toString().concat(why));
    }

    /** No calls yet on the methods {@code methods} selects. */
    static MethodAdvice on(MethodSpec methods) {
      return new MethodAdvice(methods, null, null, false);
    }

    /** With {@code call} first thing in the method. */
    MethodAdvice enter(HookCall call) {
      return new MethodAdvice(methods, call, exit, onThrowable);
    }

    /** With {@code call} before every normal return. */
    MethodAdvice exit(HookCall call) {
      return new MethodAdvice(methods, enter, call, false);
    }

    /** With {@code call} before every normal return and where the method throws. */
    MethodAdvice exitOrThrow(HookCall call) {
      return new MethodAdvice(methods, enter, call, true);
    }
  }
}
