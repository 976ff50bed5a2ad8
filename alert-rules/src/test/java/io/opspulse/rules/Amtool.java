package io.opspulse.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real amtool (Debian's prometheus-alertmanager, 0.25) and hands back its exit code and
 * output.
 */
final class Amtool {
  record Result(int exitCode, String output) {}

  private Amtool() {}

  static Path binary() {
    Path p = Path.of(System.getProperty("amtool", "/usr/bin/amtool"));
    assertThat(p)
        .as("amtool is needed (apt-get install prometheus-alertmanager): %s", p)
        .isExecutable();
    return p;
  }

  static Result run(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(binary().toString());
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("amtool did not finish in 60 s: " + command);
    }
    return new Result(process.exitValue(), output);
  }

  /** {@code amtool check-config FILE}; fails with amtool's output unless it succeeds. */
  static String checkConfig(Path file) throws IOException, InterruptedException {
    Result r = run(List.of("check-config", file.toString()));
    assertThat(r.exitCode()).as("amtool check-config %s:%n%s", file, r.output()).isZero();
    return r.output();
  }

  /**
   * {@code amtool config routes test --verify.receivers=EXPECTED labels...}: the receivers an alert
   * with these labels is routed to; amtool itself exits 1 when they are not {@code expected}.
   */
  static Result routesTest(Path config, String expected, List<String> labels)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "config",
                "routes",
                "test",
                "--config.file=" + config,
                "--verify.receivers=" + expected));
    args.addAll(labels);
    return run(args);
  }
}
