package io.opspulse.agent;

import java.lang.instrument.Instrumentation;

/**
 * The {@code Premain-Class}. Compiled for Java 8 so that an older JVM can load it and be told why
 * the agent does nothing there, instead of failing the launch with UnsupportedClassVersionError.
 * Everything else lives in {@code io.opspulse.agent.core} (Java 17), reached by name so that this
 * class links on any JVM.
 */
public final class OpspulseAgent {
  static final int MINIMUM_JAVA = 17;

  private OpspulseAgent() {}

  public static void premain(String args, Instrumentation inst) {
    start(args, inst);
  }

  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst);
  }

  private static void start(String args, Instrumentation inst) {
    String spec = System.getProperty("java.specification.version", "?");
    try {
      if (featureVersion(spec) < MINIMUM_JAVA) {
        System.err.println(
            "[opspulse-agent] Java "
                + spec
                + " is older than "
                + MINIMUM_JAVA
                + ": the agent needs Java "
                + MINIMUM_JAVA
                + " or newer and does nothing in this JVM.");
        return;
      }
      Class<?> agent =
          Class.forName("io.opspulse.agent.core.Agent", true, OpspulseAgent.class.getClassLoader());
      agent.getMethod("start", String.class, Instrumentation.class).invoke(null, args, inst);
    } catch (Throwable t) {
      // Fail open: whatever went wrong, the application starts without us.
      System.err.println("[opspulse-agent] could not start, the application runs without it: " + t);
    }
  }

  /** "1.8" is 8, "17" is 17. */
  static int featureVersion(String spec) {
    try {
      String s = spec.startsWith("1.") ? spec.substring(2) : spec;
      int dot = s.indexOf('.');
      return Integer.parseInt(dot < 0 ? s : s.substring(0, dot));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
