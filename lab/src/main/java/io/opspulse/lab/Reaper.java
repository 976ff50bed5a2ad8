package io.opspulse.lab;

import io.opspulse.testkit.Commands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Ends processes by pid, never by name: SIGTERM, a grace period, SIGKILL, then the same for
 * descendants still alive. A pid whose start time differs from the one recorded is someone else's
 * and is left alone.
 */
final class Reaper {
  private Reaper() {}

  /** The live process with this pid and start time, if it is still the one the lab started. */
  static Optional<ProcessHandle> find(LabState.Proc p) {
    return ProcessHandle.of(p.pid())
        .filter(ProcessHandle::isAlive)
        .filter(
            h -> {
              Long started = p.startMillis();
              return started == null
                  || h.info()
                      .startInstant()
                      .map(Instant::toEpochMilli)
                      .map(s -> Math.abs(s - started) < 1000)
                      .orElse(true);
            });
  }

  /** Stops one process and its descendants; returns true when nothing of it is left alive. */
  static boolean stop(ProcessHandle h, Duration grace) {
    List<ProcessHandle> family = new ArrayList<>(h.descendants().toList());
    h.destroy();
    try {
      h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      h.destroyForcibly();
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // reported below by isAlive
      }
    }
    for (ProcessHandle child : family) {
      if (child.isAlive()) {
        child.destroyForcibly();
      }
    }
    return !h.isAlive() && family.stream().noneMatch(ProcessHandle::isAlive);
  }

  /**
   * Processes whose command line names {@code marker} (a lab temp folder): what must not outlive
   * the lab.
   */
  static List<ProcessHandle> namingFolder(String marker) {
    long self = ProcessHandle.current().pid();
    return ProcessHandle.allProcesses()
        .filter(p -> p.pid() != self)
        .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
        .toList();
  }

  static void removeTree(@Nullable String dir) {
    if (dir != null && dir.startsWith("/tmp/")) {
      Commands.run(List.of("rm", "-rf", dir), Map.of(), null, Duration.ofSeconds(60));
    }
  }
}
