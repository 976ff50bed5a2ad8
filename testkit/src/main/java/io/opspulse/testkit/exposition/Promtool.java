package io.opspulse.testkit.exposition;

import io.opspulse.testkit.CommandResult;
import io.opspulse.testkit.Commands;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The real promtool (Debian's 2.42) as the judge of the Prometheus text format. */
public final class Promtool {
  private Promtool() {}

  /**
   * Fails unless {@code promtool check metrics} accepts {@code exposition} (text format 0.0.4; promtool
   * 2.42 takes OpenMetrics counters for untyped) without a parse error (exit 1) or a lint problem (exit 3).
   */
  public static void checkMetrics(String exposition) {
    Path promtool = Path.of(System.getProperty("promtool", "/usr/bin/promtool"));
    if (!Files.isExecutable(promtool)) {
      throw new AssertionError("promtool is needed (apt-get install prometheus): " + promtool);
    }
    CommandResult r = Commands.run(List.of(promtool.toString(), "check", "metrics"), Map.of(),
        exposition.getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(2));
    if (r.exitCode() != 0) {
      throw new AssertionError("promtool check metrics exited " + r.exitCode() + ":\n" + r.stdout() + r.stderr());
    }
  }
}
