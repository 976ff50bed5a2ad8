package io.opspulse.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process a test started, with its output in a log file, stopped by its own pid (never by name):
 * SIGTERM, a grace period, then SIGKILL, and the same for any descendant still alive afterwards.
 */
public final class ManagedProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final String label;

  private ManagedProcess(Process process, Path log, String label) {
    this.process = process;
    this.log = log;
    this.label = label;
  }

  public static ManagedProcess start(
      String label, List<String> command, Map<String, String> env, Path log) throws IOException {
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    return new ManagedProcess(pb.start(), log, label);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** The log's text, for assertion messages. */
  public String logText() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** The last lines of the log, for failure messages that must stay short. */
  public String logTail(int lines) {
    List<String> all = logText().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Sends SIGTERM and waits up to {@code grace}; then SIGKILL. Returns the exit code. */
  public int stop(Duration grace) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    for (ProcessHandle child : descendants) {
      if (child.isAlive()) {
        child.destroyForcibly();
      }
    }
    return process.isAlive() ? -1 : process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop(Duration.ofSeconds(10));
    }
  }

  @Override
  public String toString() {
    return label + " (pid " + pid() + ")";
  }
}
