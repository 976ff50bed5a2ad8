package io.opspulse.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.CommandResult;
import io.opspulse.testkit.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./opspulse lab} before the lab starts, on a copy of the checkout: it refuses at once, in
 * one line, when it cannot run the private dockerd, and its build step builds the three jars it
 * runs, and only when they are missing or older than the sources, with one progress line, compiling
 * and running no test.
 */
class LabLauncherIT {
  static final Path REPO = LabIT.REPO;
  static final List<String> LAB_JARS =
      List.of(
          "exporter/target/opspulse-exporter.jar",
          "javaagent/target/opspulse-agent.jar",
          "lab/target/opspulse-lab.jar");

  Path copy;

  @AfterEach
  void removeCopy() {
    if (copy != null) {
      Commands.run(List.of("rm", "-rf", copy.toString()), Map.of(), null, Duration.ofSeconds(60));
    }
  }

  @Test
  void refusesInOneLineWithoutRootAndWithoutAnEngine() throws IOException {
    // Only the launcher scripts, in a folder an unprivileged user may read.
    copy = Files.createTempDirectory("opspulse-launcher-");
    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
    run(List.of(
            "cp",
            "-r",
            REPO.resolve("opspulse").toString(),
            REPO.resolve("scripts").toString(),
            copy.toString()))
        .orThrow("cp");
    List<String> command = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
    }
    command.addAll(List.of(copy.resolve("opspulse").toString(), "lab"));
    long started = System.nanoTime();
    CommandResult r = Commands.run(command, Map.of(), null, Duration.ofSeconds(60));

    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(2);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr().lines().toList())
        .singleElement()
        .asString()
        .startsWith("opspulse lab: ")
        .contains("needs root", "sudo ./opspulse lab", "--docker-host unix:///var/run/docker.sock");
    // It refused before installing or building anything.
    assertThat(copy.resolve("target")).doesNotExist();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void buildStepBuildsTheLabsJarsOnlyWhenStaleAndRunsNoTest() throws IOException {
    copy = Files.createTempDirectory("opspulse-checkout-");
    // The checkout as git sees it (tracked and new files, nothing ignored): no target/ of this
    // build.
    String files =
        run(List.of("git", "-C", REPO.toString(), "ls-files", "-co", "--exclude-standard", "-z"))
            .orThrow("git ls-files")
            .stdout();
    Path list = copy.resolve(".files");
    Files.writeString(list, files);
    run(List.of(
            "bash",
            "-c",
            "cd '"
                + REPO
                + "' && tar --null -T '"
                + list
                + "' -cf - | tar -xf - -C '"
                + copy
                + "'"))
        .orThrow("copy the checkout");
    Files.delete(list);

    CommandResult first = buildStep();
    assertThat(first.exitCode()).as(first.stderr() + first.stdout()).isZero();
    assertThat(first.stdout().lines().toList())
        .singleElement()
        .asString()
        .startsWith("[lab] building opspulse-exporter.jar,opspulse-agent.jar,opspulse-lab.jar (")
        .contains("about 30-90 s, no tests")
        .containsPattern("done in \\d+ s$");
    assertThat(first.stderr()).isEmpty();
    for (String jar : LAB_JARS) {
      assertThat(copy.resolve(jar)).isRegularFile();
    }
    String log = Files.readString(copy.resolve("target/build.log"));
    assertThat(log)
        .contains("BUILD SUCCESS")
        .doesNotContain(
            "Tests run:",
            "Running io.opspulse",
            "T E S T S",
            "maven-failsafe-plugin:",
            "PluginResolutionException",
            "[ERROR]");
    try (Stream<Path> modules = Files.list(copy)) {
      for (Path target :
          modules.map(m -> m.resolve("target")).filter(Files::isDirectory).toList()) {
        assertThat(target.resolve("test-classes")).as("tests compiled").doesNotExist();
        assertThat(target.resolve("surefire-reports")).as("unit tests run").doesNotExist();
        assertThat(target.resolve("failsafe-reports")).as("integration tests run").doesNotExist();
      }
    }

    CommandResult upToDate = buildStep();
    assertThat(upToDate.exitCode()).isZero();
    assertThat(upToDate.stdout())
        .as("nothing to build when the jars are newer than the sources")
        .isEmpty();

    // A `git pull` that changes a source: newer than the jars, so they are rebuilt.
    Path source = copy.resolve("exporter/src/main/java/io/opspulse/exporter/Main.java");
    Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(5)));
    FileTime before = Files.getLastModifiedTime(copy.resolve(LAB_JARS.get(0)));
    CommandResult stale = buildStep();
    assertThat(stale.exitCode()).as(stale.stderr()).isZero();
    assertThat(stale.stdout().lines().toList())
        .singleElement()
        .asString()
        .contains("(exporter/src/main/java/io/opspulse/exporter/Main.java is newer than");
    assertThat(Files.getLastModifiedTime(copy.resolve(LAB_JARS.get(0)))).isGreaterThan(before);
  }

  /** The build step of scripts/lab, exactly as the lab runs it. */
  private CommandResult buildStep() {
    return Commands.run(
        List.of(
            "bash",
            "-c",
            "set -euo pipefail; cd '" + copy + "'; source scripts/lib/build.sh; build_lab_jars"),
        Map.of(),
        null,
        Duration.ofMinutes(8));
  }

  private static CommandResult run(List<String> command) {
    return Commands.run(command, Map.of(), null, Duration.ofMinutes(2));
  }
}
