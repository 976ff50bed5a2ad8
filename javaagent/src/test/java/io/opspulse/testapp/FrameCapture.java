package io.opspulse.testapp;

/** Captures the stack from an application class, as an executor's creator would be seen. */
public final class FrameCapture {
  private FrameCapture() {}

  public static StackWalker.StackFrame[] here() {
    return StackWalker.getInstance().walk(s -> s.toArray(StackWalker.StackFrame[]::new));
  }
}
