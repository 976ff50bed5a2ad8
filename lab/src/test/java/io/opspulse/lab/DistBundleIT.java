package io.opspulse.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.catalog.BuildInfo;
import io.opspulse.testkit.CommandResult;
import io.opspulse.testkit.Commands;
import io.opspulse.testkit.ManagedProcess;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./opspulse dist}: the bundle holds exactly the files README.md's bundle table names (each
 * entry matches at least one file, and no file is unnamed), its checksums verify with {@code
 * sha256sum -c}, and it says the build its jars are, as does the bundled agent's {@code
 * target_info}.
 */
class DistBundleIT {
  static final Path REPO = LabIT.REPO;
  static final Pattern ENTRY = Pattern.compile("^\\| `([^`]+)` \\|");

  Path out;

  @AfterEach
  void remove() {
    if (out != null) {
      Commands.run(List.of("rm", "-rf", out.toString()), Map.of(), null, Duration.ofSeconds(30));
    }
  }

  @Test
  void holdsWhatTheReadmeNamesWithChecksumsThatVerify() throws IOException {
    out = Files.createTempDirectory("opspulse-dist-");
    CommandResult dist =
        Commands.run(
                List.of(
                    REPO.resolve("scripts/dist").toString(), "--no-build", "--out", out.toString()),
                Map.of(),
                null,
                Duration.ofMinutes(5))
            .orThrow("./opspulse dist --no-build");
    String name = "opspulse-" + BuildInfo.VERSION;
    Path tarball = out.resolve(name + ".tar.gz");
    assertThat(tarball).isRegularFile();
    assertThat(dist.stdout()).contains(tarball.toString());

    Commands.run(
            List.of("tar", "-C", out.toString(), "-xzf", tarball.toString()),
            Map.of(),
            null,
            Duration.ofMinutes(1))
        .orThrow("tar -x");
    Path bundle = out.resolve(name);
    List<String> files;
    try (Stream<Path> walk = Files.walk(bundle)) {
      files =
          walk.filter(Files::isRegularFile)
              .map(p -> bundle.relativize(p).toString())
              .sorted()
              .toList();
    }

    List<String> named = readmeEntries();
    assertThat(named).as("README.md's bundle table").hasSizeGreaterThan(10);
    for (String entry : named) {
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + entry);
      assertThat(files).as("files matching " + entry).anyMatch(f -> m.matches(Path.of(f)));
    }
    assertThat(files)
        .as("files of the bundle the README does not name")
        .allMatch(
            f ->
                named.stream()
                    .anyMatch(
                        entry ->
                            FileSystems.getDefault()
                                .getPathMatcher("glob:" + entry)
                                .matches(Path.of(f))));
    // The globs cover what the checkout has: every dashboard.
    try (Stream<Path> dashboards = Files.list(REPO.resolve("dashboards/json"))) {
      dashboards.forEach(d -> assertThat(files).contains("dashboards/json/" + d.getFileName()));
    }

    CommandResult check =
        Commands.run(
            List.of("bash", "-c", "cd '" + bundle + "' && sha256sum -c SHA256SUMS"),
            Map.of(),
            null,
            Duration.ofMinutes(1));
    assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
    assertThat(check.stdout().lines().toList())
        .hasSize(files.size() - 1)
        .allMatch(l -> l.endsWith(": OK"));

    // It says the build its jars are, and both jars are of that build.
    JarBuildInfo exporter =
        JarBuildInfo.read(bundle.resolve("opspulse-exporter.jar"), JarBuildInfo.EXPORTER_ENTRY);
    assertThat(exporter.version()).isEqualTo(BuildInfo.VERSION);
    assertThat(exporter.revision()).isNotBlank();
    assertThat(JarBuildInfo.read(bundle.resolve("opspulse-agent.jar"), JarBuildInfo.AGENT_ENTRY))
        .isEqualTo(exporter);
    assertThat(Files.readString(bundle.resolve("VERSION")))
        .isEqualTo("version=" + exporter.version() + "\nrevision=" + exporter.revision() + "\n");
    assertThat(
            Files.mismatch(
                bundle.resolve("rules/opspulse-rules.yml"),
                REPO.resolve("alert-rules/opspulse-rules.yml")))
        .isEqualTo(-1L);

    // The bundled agent says its build on a real endpoint.
    Path app = out.resolve("Idle.java");
    Files.writeString(
        app,
        "public class Idle { public static void main(String[] a) throws Exception { Thread.sleep(120_000); } }\n");
    int port = Ports.freeLoopbackPort();
    try (ManagedProcess jvm =
        ManagedProcess.start(
            "agent",
            List.of(
                RunningLab.java(),
                "-javaagent:"
                    + bundle.resolve("opspulse-agent.jar")
                    + "=host=127.0.0.1,port="
                    + port
                    + ",service=idle",
                app.toString()),
            Map.of(),
            out.resolve("agent.log"))) {
      String targetInfo =
          Poll.until(
              "target_info on the bundled agent's endpoint",
              Duration.ofSeconds(90),
              () -> {
                if (!jvm.isAlive()) {
                  throw new AssertionError("the JVM exited: " + jvm.logTail(20));
                }
                return scrape(port)
                    .lines()
                    .filter(l -> l.startsWith("target_info{"))
                    .findFirst()
                    .orElse(null);
              });
      assertThat(targetInfo)
          .contains(
              "telemetry_distro_name=\"opspulse-agent\"",
              "telemetry_distro_version=\"" + exporter.version() + "\"",
              "opspulse_agent_revision=\"" + exporter.revision() + "\"",
              "service_name=\"idle\"");
    }
  }

  private static String scrape(int port) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  static List<String> readmeEntries() throws IOException {
    String readme = Files.readString(REPO.resolve("README.md"));
    String table =
        readme.substring(
            readme.indexOf("<!-- bundle:begin -->"), readme.indexOf("<!-- bundle:end -->"));
    return table.lines().map(ENTRY::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();
  }
}
