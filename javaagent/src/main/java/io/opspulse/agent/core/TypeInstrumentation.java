package io.opspulse.agent.core;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One instrumentation, in one place, as OpenTelemetry's {@code TypeInstrumentation}s are: which
 * classes it targets, which of their methods get which advice, and the {@code instrument} setting
 * that turns it on. {@link ClassGate} reads the targets (and, for {@link TypeTarget#implementing}
 * targets, the advised methods) at premain; {@link Instrumenter} turns the same declarations into
 * ByteBuddy's matchers and advice, and {@link EarlyHooks} the advice's {@link EarlyHook}s into the
 * calls woven before ByteBuddy is ready. All walk {@link Instrumentations#all()}.
 *
 * <p>Implementations hold JDK types only and name their advice by class name (as ByteBuddy's {@code
 * Advice} takes it): the gate loads them at premain, before ByteBuddy and before the bootstrap
 * bridge an advice class calls into.
 */
interface TypeInstrumentation {
  /** The {@code instrument} setting that turns this instrumentation on. */
  Instrumentation setting();

  /** The classes it changes: by exact name, or the concrete implementations of API types. */
  TypeTarget target();

  /** Which declared methods of a target get which advice. */
  List<MethodAdvice> advice();

  /**
   * One advice on the methods {@code methods} selects; and, where the advice registers the instance
   * being made (a pool, a restart loader), the {@link EarlyHook} that does the same in a target
   * class that loads before ByteBuddy is ready ({@link EarlyHooks}), or null.
   */
  record MethodAdvice(MethodSpec methods, String adviceClass, @Nullable EarlyHook earlyHook) {
    private static final String ADVICE_PACKAGE = "io.opspulse.agent.advice.";

    /** {@code advice} is the simple name of a class in {@code io.opspulse.agent.advice}. */
    static MethodAdvice on(MethodSpec methods, String advice) {
      // concat, not +: this runs at premain, where a first indy string concatenation costs
      // milliseconds.
      return new MethodAdvice(methods, ADVICE_PACKAGE.concat(advice), null);
    }

    /**
     * This advice, with {@code hook} woven into the same methods of a class that loads before
     * ByteBuddy is ready: the call the advice makes, so that an instance made meanwhile is still
     * registered.
     */
    MethodAdvice early(EarlyHook hook) {
      return new MethodAdvice(methods, adviceClass, hook);
    }
  }
}
