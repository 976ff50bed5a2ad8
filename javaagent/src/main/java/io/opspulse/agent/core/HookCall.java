package io.opspulse.agent.core;

import java.util.List;

/**
 * A static call into {@code io.opspulse.agent.bootstrap.Hooks} that {@link HookWeaver} puts into an
 * instrumented method: the hook's name, the values it is passed, and what becomes of its result.
 * The hook's descriptor follows from these ({@link #descriptor}), so a declaration names no types;
 * {@code InstrumentationsTest} checks that every declared call finds its hook. Hooks catch
 * everything themselves: a woven call never throws into the application.
 */
record HookCall(String method, List<HookArg> args, HookCall.Result result, int index) {
  /** What the woven code does with the hook's result. */
  enum Result {
    /** The hook returns nothing. */
    NONE,
    /**
     * An enter hook returns a long, kept for the same advice's exit call ({@link HookArg#ENTER}).
     */
    ENTER_VALUE,
    /** An exit hook returns the value the method returns instead (cast to its return type). */
    REPLACE_RETURN,
    /**
     * An enter hook returns the value parameter {@link #index} takes instead (cast to its type).
     */
    REPLACE_ARGUMENT
  }

  HookCall {
    args = List.copyOf(args);
  }

  /** {@code Hooks.method(args...)}, its result (if any) ignored. */
  static HookCall call(String method, HookArg... args) {
    return new HookCall(method, List.of(args), Result.NONE, -1);
  }

  /** This call, returning a long that the exit call takes as {@link HookArg#ENTER}. */
  HookCall returningEnterValue() {
    return new HookCall(method, args, Result.ENTER_VALUE, -1);
  }

  /** This call, returning the method's new return value. */
  HookCall replacingReturn() {
    return new HookCall(method, args, Result.REPLACE_RETURN, -1);
  }

  /** This call, returning parameter {@code parameter}'s new value. */
  HookCall replacingArgument(int parameter) {
    return new HookCall(method, args, Result.REPLACE_ARGUMENT, parameter);
  }

  /** The hook method's descriptor. */
  String descriptor() {
    StringBuilder d = new StringBuilder("(");
    for (HookArg a : args) {
      d.append(a.hookDescriptor());
    }
    d.append(')');
    d.append(
        switch (result) {
          case NONE -> "V";
          case ENTER_VALUE -> "J";
          case REPLACE_RETURN, REPLACE_ARGUMENT -> "Ljava/lang/Object;";
        });
    return d.toString();
  }

  @Override
  public String toString() {
    return "Hooks." + method + args + (result == Result.NONE ? "" : " " + result);
  }
}
