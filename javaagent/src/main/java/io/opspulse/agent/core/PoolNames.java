package io.opspulse.agent.core;

import java.util.regex.Pattern;

/**
 * Stable names for thread pools: the worker threads' name with the counters taken out ({@code
 * orders-worker-7} is {@code orders-worker}, {@code HttpClient-1-Worker-0} is {@code
 * HttpClient-Worker}); for the JDK's default factory ({@code pool-3-thread-1}), whose number
 * changes from run to run, the class that created the pool.
 */
final class PoolNames {
  /**
   * The JDK's default thread names, numbered per JVM run: the JDK's default factory's and
   * ForkJoinPool's.
   */
  private static final Pattern DEFAULT_FACTORY =
      Pattern.compile("pool-\\d+-thread-\\d+|ForkJoinPool-\\d+-worker-\\d+");

  private static final Pattern TRAILING_COUNTER = Pattern.compile("[-_#.\\s:]*\\d+$");
  private static final Pattern COUNTER =
      Pattern.compile("(^|[-_#.\\s:\\[(])\\d+(?=$|[-_#.\\s:\\])])");
  private static final Pattern REPEATED_SEPARATORS = Pattern.compile("([-_#.\\s:])[-_#.\\s:]+");

  private PoolNames() {}

  static String fromThread(String threadName, String creator) {
    if (threadName == null || DEFAULT_FACTORY.matcher(threadName).matches()) {
      return creator;
    }
    String name = COUNTER.matcher(threadName).replaceAll("$1");
    name = REPEATED_SEPARATORS.matcher(name).replaceAll("$1");
    name = name.replaceAll("^[-_#.\\s:]+|[-_#.\\s:\\[(]+$", "");
    if (name.isEmpty()) {
      return creator;
    }
    return name.length() > 80 ? name.substring(0, 80) : name;
  }

  /**
   * The thread's name without its trailing counter only: {@code http-nio-127.0.0.1-8080-exec-3} is
   * {@code http-nio-127.0.0.1-8080-exec}, the name Tomcat gives its request pool (address and port
   * kept).
   */
  static String withoutTrailingCounter(String threadName, String creator) {
    if (threadName == null) {
      return creator;
    }
    String name = TRAILING_COUNTER.matcher(threadName).replaceAll("");
    if (name.isEmpty()) {
      return creator;
    }
    return name.length() > 80 ? name.substring(0, 80) : name;
  }

  /** The simple name of the first caller outside the JDK: who created the executor. */
  static String creator(StackWalker.StackFrame[] frames) {
    for (StackWalker.StackFrame frame : frames) {
      String cls = frame.getClassName();
      if (!isJdk(cls)) {
        int dot = cls.lastIndexOf('.');
        String simple = dot < 0 ? cls : cls.substring(dot + 1);
        int dollar = simple.indexOf('$');
        return dollar > 0 ? simple.substring(0, dollar) : simple;
      }
    }
    return "jdk";
  }

  static boolean isJdk(String cls) {
    return cls.startsWith("java.")
        || cls.startsWith("jdk.")
        || cls.startsWith("sun.")
        || cls.startsWith("com.sun.")
        || cls.startsWith("io.opspulse.agent.core.")
        || cls.startsWith("io.opspulse.agent.bootstrap.");
  }
}
