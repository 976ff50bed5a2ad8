package io.opspulse.testkit.exposition;

import io.opspulse.testkit.CommandResult;
import io.opspulse.testkit.Commands;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The real promtool (Debian's 2.42) as the judge of the Prometheus text format. */
public final class Promtool {
  private Promtool() {}

  /**
   * Fails unless {@code promtool check metrics} accepts {@code exposition} (text format 0.0.4;
   * promtool 2.42 takes OpenMetrics counters for untyped) without a parse error (exit 1) or a lint
   * problem (exit 3).
   */
  public static void checkMetrics(String exposition) {
    checkMetrics(exposition, Set.of());
  }

  /**
   * As {@link #checkMetrics(String)}, but the lint problems in {@code knownProblems} (promtool's
   * own words, one line each, such as {@code target_info no help text}) are accepted, for output a
   * library writes that this project does not control. Each one must still be reported, so the
   * exception goes when the library changes; any other problem, and every parse error, fails.
   */
  public static void checkMetrics(String exposition, Set<String> knownProblems) {
    Path promtool = Path.of(System.getProperty("promtool", "/usr/bin/promtool"));
    if (!Files.isExecutable(promtool)) {
      throw new AssertionError("promtool is needed (apt-get install prometheus): " + promtool);
    }
    CommandResult r =
        Commands.run(
            List.of(promtool.toString(), "check", "metrics"),
            Map.of(),
            exposition.getBytes(StandardCharsets.UTF_8),
            Duration.ofMinutes(2));
    if (r.exitCode() == 0 && knownProblems.isEmpty()) {
      return;
    }
    Set<String> reported = new TreeSet<>();
    (r.stdout() + "\n" + r.stderr())
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty())
        .forEach(reported::add);
    if (r.exitCode() != 3 && r.exitCode() != 0 || !reported.equals(new TreeSet<>(knownProblems))) {
      throw new AssertionError(
          "promtool check metrics exited "
              + r.exitCode()
              + " reporting "
              + reported
              + (knownProblems.isEmpty()
                  ? ""
                  : "; only " + new TreeSet<>(knownProblems) + " are known"));
    }
  }
}
