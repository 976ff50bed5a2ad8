package io.opspulse.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real promtool (Debian's, 2.42) and hands back its exit code and output. */
final class Promtool {
  record Result(int exitCode, String output) {}

  private Promtool() {}

  static Path binary() {
    Path p = Path.of(System.getProperty("promtool", "/usr/bin/promtool"));
    assertThat(p).as("promtool is needed (apt-get install prometheus): %s", p).isExecutable();
    return p;
  }

  static Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(binary().toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    // Read to the end before waiting, so a full pipe cannot block promtool.
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("promtool did not finish in 120 s: " + command);
    }
    return new Result(process.exitValue(), output);
  }

  /**
   * Runs {@code promtool check rules} on a file; fails with promtool's output unless it succeeds.
   */
  static String checkRules(Path file) throws IOException, InterruptedException {
    Result r = run("check", "rules", file.toString());
    assertThat(r.exitCode()).as("promtool check rules %s:%n%s", file, r.output()).isZero();
    return r.output();
  }

  static Path write(Path dir, String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }
}
