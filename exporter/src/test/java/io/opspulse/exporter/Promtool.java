package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.CommandResult;
import io.opspulse.testkit.Commands;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The real promtool (Debian's 2.42) as the judge of the text format. */
final class Promtool {
  private Promtool() {}

  /**
   * Fails unless {@code promtool check metrics} accepts {@code exposition} (Prometheus text format 0.0.4)
   * without a parse error or a lint problem; promtool exits 1 for the first and 3 for the second.
   */
  static void checkMetrics(String exposition) {
    Path promtool = Path.of(System.getProperty("promtool", "/usr/bin/promtool"));
    assertThat(promtool).as("promtool is needed (apt-get install prometheus): %s", promtool).isExecutable();
    CommandResult r = Commands.run(List.of(promtool.toString(), "check", "metrics"), Map.of(),
        exposition.getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(2));
    assertThat(r.exitCode()).as("promtool check metrics:%n%s%s", r.stdout(), r.stderr()).isZero();
  }
}
