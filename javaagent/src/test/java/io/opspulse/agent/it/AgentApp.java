package io.opspulse.agent.it;

import io.opspulse.testkit.ManagedProcess;
import io.opspulse.testkit.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A test application in its own JVM with the agent attached, started through testkit's
 * ManagedProcess (stopped by pid). Paths come from failsafe's system properties: the shaded agent
 * jar, the test classes and the applications' libraries.
 */
final class AgentApp implements AutoCloseable {
  static final Path AGENT_JAR =
      Path.of(System.getProperty("opspulse.agent.jar", "target/opspulse-agent.jar"));
  static final Path TEST_CLASSES =
      Path.of(System.getProperty("opspulse.test.classes", "target/test-classes"));
  static final Path APP_LIBS = Path.of(System.getProperty("opspulse.app.libs", "target/app-libs"));
  static final Path FOREIGN_LIBS =
      Path.of(System.getProperty("opspulse.foreign.libs", "target/foreign-libs"));
  static final Path JDK17_JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
  static final Path JDK25_JAVA = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

  /**
   * A JDK under test that is missing skips the case on a developer's machine, but fails it under CI
   * ({@code CI=true}), where every JDK the agent claims to support must be there.
   */
  static void requireJdk(Path javaBin) {
    String reason = javaBin + " is not installed";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      org.junit.jupiter.api.Assertions.assertTrue(Files.isExecutable(javaBin), reason);
    } else {
      org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(javaBin), reason);
    }
  }

  /**
   * The JDKs the agent is tested on, for
   * {@code @MethodSource("io.opspulse.agent.it.AgentApp#jdks")}.
   */
  static java.util.stream.Stream<Path> jdks() {
    return java.util.stream.Stream.of(JDK17_JAVA, JDK25_JAVA);
  }

  private final ManagedProcess process;

  private AgentApp(ManagedProcess process) {
    this.process = process;
  }

  /**
   * Starts {@code mainClass} with the agent ({@code agentArgs}, null for no agent) and waits for
   * its READY line.
   */
  static AgentApp start(
      String label,
      Path java,
      String agentArgs,
      List<String> jvmFlags,
      String classpath,
      String mainClass,
      List<String> args,
      Map<String, String> env,
      Path logDir)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("-Xmx256m");
    if (agentArgs != null) {
      command.add(
          "-javaagent:"
              + AGENT_JAR.toAbsolutePath()
              + (agentArgs.isEmpty() ? "" : "=" + agentArgs));
    }
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(args);
    Files.createDirectories(logDir);
    ManagedProcess process =
        ManagedProcess.start(label, command, env, logDir.resolve(label + ".log"));
    AgentApp app = new AgentApp(process);
    try {
      // READY from the app, and the agent done starting (its SDK starts beside the app) or standing
      // aside.
      // An exit ends the wait at once (Poll would go on through a probe's AssertionError until its
      // timeout).
      boolean ready =
          Poll.until(
              label + " to print READY",
              Duration.ofSeconds(60),
              () -> {
                if (!process.isAlive()) {
                  return Boolean.FALSE;
                }
                String log = process.logText();
                return log.contains("READY")
                        && (agentArgs == null
                            || log.contains("[opspulse-agent] started for")
                            || log.contains("the agent does nothing in this JVM"))
                    ? Boolean.TRUE
                    : null;
              });
      if (!ready) {
        throw new AssertionError(label + " exited:\n" + process.logTail(40));
      }
    } catch (AssertionError | RuntimeException e) {
      app.close();
      throw e;
    }
    return app;
  }

  /** The test classes and the applications' own libraries (Jetty, HikariCP, H2). */
  static String appClasspath() {
    return TEST_CLASSES.toAbsolutePath()
        + java.io.File.pathSeparator
        + APP_LIBS.toAbsolutePath()
        + "/*";
  }

  ManagedProcess process() {
    return process;
  }

  String log() {
    return process.logText();
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(10));
  }
}
