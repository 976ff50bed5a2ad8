package io.opspulse.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Go's own pprof ({@code go tool pprof}, Debian's golang-go) as the reader of the profiles the
 * profiler writes: a decoder no one on this project wrote. Tests hand it a file or an
 * http://127.0.0.1 URL. Missing Go skips a test on a developer's machine and fails it under CI
 * ({@code CI=true}), where scripts/lib/prerequisites.sh installs it.
 */
public final class GoPprof {
  private final Path go;
  private final Path home;

  private GoPprof(Path go, Path home) {
    this.go = go;
    this.home = home;
  }

  /** The installed Go, or the test is skipped (outside CI) or failed (under CI). */
  public static GoPprof require(Path scratch) {
    Path go = find();
    String reason =
        "go is not installed (apt-get install -y golang-go): go tool pprof reads the profiles";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.assertNotNull(go, reason);
    } else {
      Assumptions.assumeTrue(go != null, reason);
    }
    return new GoPprof(go, scratch);
  }

  private static @Nullable Path find() {
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "go"));
      }
    }
    candidates.add(Path.of("/usr/lib/go/bin/go"));
    return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
  }

  /** {@code go tool pprof <args>}; fails the test, with pprof's stderr, unless it exits 0. */
  public String run(String... args) {
    CommandResult r = runRaw(args);
    Assertions.assertEquals(
        0,
        r.exitCode(),
        () -> "go tool pprof " + String.join(" ", args) + " failed:\n" + r.stderr());
    return r.stdout();
  }

  /** {@code go tool pprof <args>}, whatever its exit status. */
  public CommandResult runRaw(String... args) {
    List<String> command = new ArrayList<>(List.of(go.toString(), "tool", "pprof"));
    command.addAll(List.of(args));
    // A private HOME, cache and pprof directory (pprof saves what it fetches there); nothing to
    // download.
    Map<String, String> env =
        Map.of(
            "HOME",
            home.toString(),
            "GOCACHE",
            home.resolve("gocache").toString(),
            "GOPATH",
            home.resolve("gopath").toString(),
            "PPROF_TMPDIR",
            home.resolve("pprof").toString(),
            "GOTOOLCHAIN",
            "local",
            "GOPROXY",
            "off",
            "GOFLAGS",
            "");
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return Commands.run(command, env, new byte[0], Duration.ofSeconds(120));
  }
}
