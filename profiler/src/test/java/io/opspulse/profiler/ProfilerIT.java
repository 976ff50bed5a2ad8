package io.opspulse.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.CommandResult;
import io.opspulse.testkit.Commands;
import io.opspulse.testkit.GoPprof;
import io.opspulse.testkit.Poll;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A separate JVM runs a service with a known hot method, a known allocating method and a contended
 * monitor; the profiler inside it must name each of them from its HTTP endpoints, and its flame
 * graph must render in a real browser.
 */
class ProfilerIT {
  static final String HOT = "io.opspulse.profiler.testapp.HotApp.burnCpuInHotLoop";
  static final String ALLOCATING = "io.opspulse.profiler.testapp.HotApp.allocateInAllocLoop";
  static final String LOCKING = "io.opspulse.profiler.testapp.HotApp.holdContendedLock";

  static HotAppProcess app;

  @BeforeAll
  static void startApp() throws Exception {
    app = HotAppProcess.start("hotapp", List.of(), "cpu,alloc,lock");
    Poll.untilTrue(
        "the profiler running in the app",
        Duration.ofSeconds(30),
        () -> app.log().contains("state=RUNNING"));
  }

  @AfterAll
  static void stopApp() {
    if (app != null) {
      app.close();
    }
  }

  /**
   * Polls until the last {@code seconds} hold at least {@code minTotal}, then returns that profile.
   */
  private static List<FoldedStack> profile(String event, int seconds, long minTotal) {
    return Poll.until(
        event + " profile of the last " + seconds + " s with at least " + minTotal,
        Duration.ofSeconds(40),
        () -> {
          HttpResponse<String> r = app.get("/debug/profile?seconds=" + seconds + "&event=" + event);
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          List<FoldedStack> stacks = FoldedStacks.parse(r.body());
          return total(stacks) >= minTotal ? stacks : null;
        });
  }

  private static long total(List<FoldedStack> stacks) {
    return stacks.stream().mapToLong(FoldedStack::weight).sum();
  }

  private static double selfShare(List<FoldedStack> stacks, String frame) {
    return (double)
            stacks.stream()
                .filter(s -> s.topFrame().equals(frame))
                .mapToLong(FoldedStack::weight)
                .sum()
        / total(stacks);
  }

  private static double inclusiveShare(List<FoldedStack> stacks, String frame) {
    return (double)
            stacks.stream().filter(s -> s.contains(frame)).mapToLong(FoldedStack::weight).sum()
        / total(stacks);
  }

  @Test
  void theHotMethodDominatesTheCpuProfile() {
    List<FoldedStack> cpu = profile("cpu", 2, 20);

    assertThat(selfShare(cpu, HOT))
        .as("share of CPU samples in %s:\n%s", HOT, cpu)
        .isGreaterThan(0.5);
    Profile p =
        new Profile(ProfileEvent.CPU, "", java.time.Instant.EPOCH, java.time.Instant.EPOCH, cpu, 0);
    assertThat(p.topFrames(1)).extracting(HotFrame::frame).containsExactly(HOT);
    assertThat(cpu).allSatisfy(s -> assertThat(s.frames()).doesNotContain(FrameNames.OVERFLOW));
  }

  /**
   * Go's own pprof fetches the pprof endpoint over HTTP and ranks the hot method first by self
   * time.
   */
  @Test
  void goToolPprofPutsTheHotMethodOnTop(@TempDir Path tmp) {
    GoPprof go = GoPprof.require(tmp);
    profile("cpu", 10, 50);
    String top = go.run("-top", "-nodecount=5", app.url("/debug/pprof/profile?seconds=10"));
    List<String> rows = top.lines().dropWhile(l -> !l.trim().startsWith("flat")).skip(1).toList();
    assertThat(rows).as(top).isNotEmpty();
    assertThat(rows.get(0)).as(top).endsWith(" " + HOT);
    Matcher flat = Pattern.compile("^\\s*\\S+\\s+([0-9.]+)%").matcher(rows.get(0));
    assertThat(flat.find()).as(top).isTrue();
    assertThat(Double.parseDouble(flat.group(1)))
        .as("the hot method's flat share\n%s", top)
        .isGreaterThan(50);
  }

  @Test
  void theAppRunsOnTheJdkThisRunIsFor() {
    String feature = System.getProperty("profiler.it.feature", "");
    assertThat(app.javaFeature())
        .isEqualTo(feature.isEmpty() ? Runtime.version().feature() : Integer.parseInt(feature));
  }

  @Test
  void theCpuSourceIsCpuTimeSamplingWhereTheJvmHasIt() {
    HttpResponse<String> r = app.get("/debug/profile?seconds=5&event=cpu");
    String expected =
        app.javaFeature() >= 25 ? JfrStream.CPU_TIME_SAMPLE : JfrStream.EXECUTION_SAMPLE;
    assertThat(r.headers().firstValue("X-Profile-Source")).hasValue(expected);
  }

  @Test
  void theAllocatingMethodDominatesTheAllocationProfile() {
    List<FoldedStack> alloc = profile("alloc", 10, 10L * 1024 * 1024);
    assertThat(inclusiveShare(alloc, ALLOCATING))
        .as("share of sampled bytes under %s:\n%s", ALLOCATING, alloc)
        .isGreaterThan(0.5);
  }

  @Test
  void theContendedMonitorDominatesTheLockProfile() {
    List<FoldedStack> lock = profile("lock", 10, 100_000_000L); // 100 ms of waiting
    assertThat(inclusiveShare(lock, LOCKING))
        .as("share of lock wait under %s:\n%s", LOCKING, lock)
        .isGreaterThan(0.5);
  }

  @Test
  void badParametersAreRefusedByTheRunningService() {
    HttpResponse<String> r = app.get("/debug/profile?seconds=3600&event=cpu");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("seconds: must be a whole number from 1 to 60");
  }

  @Test
  void theFlameGraphPutsTheHotMethodWidestAndRendersInChromium() throws Exception {
    profile("cpu", 10, 50);
    HttpResponse<String> page = app.get("/debug/flamegraph?seconds=10&event=cpu");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(widthOf(page.body(), HOT))
        .as("the hot method's width in the graph")
        .isGreaterThan(0.5);

    String chromium = chromium();
    Assumptions.assumeTrue(
        chromium != null, "chromium is not installed (apt-get install -y chromium)");
    Path out = Path.of("target", "flamegraph");
    Files.createDirectories(out);
    Path screenshot = out.resolve("flamegraph-cpu.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    String url = app.url("/debug/flamegraph?seconds=10&event=cpu");

    CommandResult shot =
        runChromium(chromium, List.of("--screenshot=" + screenshot, "--window-size=1400,900", url));
    assertThat(screenshot).as("screenshot; chromium said:\n%s", shot.stderr()).exists();
    assertThat(Files.size(screenshot))
        .as("a screenshot with a graph in it, not a blank page")
        .isGreaterThan(20_000);

    CommandResult dom = runChromium(chromium, List.of("--dump-dom", url));
    assertThat(dom.exitCode()).as(dom.stderr()).isZero();
    Files.writeString(out.resolve("flamegraph-cpu.dom.html"), dom.stdout());
    Matcher ready = Pattern.compile("<body[^>]*data-ready=\"(\\d+)\"").matcher(dom.stdout());
    assertThat(ready.find()).as("the page's script ran to its end (body data-ready)").isTrue();
    assertThat(Integer.parseInt(ready.group(1))).as("frames the script laid out").isGreaterThan(3);
    assertThat(dom.stdout())
        .as("no script error shown: the error line stays hidden and empty")
        .contains("<p id=\"errors\" hidden=\"\"></p>")
        .contains("data-n=\"" + HOT + "\"");
  }

  private static double widthOf(String html, String frame) {
    Matcher m =
        Pattern.compile(
                "<g class=\"f\" data-n=\""
                    + Pattern.quote(frame)
                    + "\" data-x=\"[0-9.]+\" data-w=\"([0-9.]+)\"")
            .matcher(html);
    double widest = 0;
    while (m.find()) {
      widest = Math.max(widest, Double.parseDouble(m.group(1)));
    }
    return widest;
  }

  static String chromium() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      for (String name : List.of("chromium", "chromium-browser")) {
        if (Files.isExecutable(Path.of(dir, name))) {
          return Path.of(dir, name).toString();
        }
      }
    }
    return null;
  }

  /** Headless Chromium in a fresh profile directory, loopback only, bounded in time. */
  static CommandResult runChromium(String chromium, List<String> args) throws IOException {
    Path profileDir = Files.createTempDirectory("profiler-it-chromium");
    try {
      List<String> command =
          new ArrayList<>(
              List.of(
                  chromium,
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--disable-quic",
                  "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update",
                  "--disable-sync",
                  "--disable-dev-shm-usage",
                  "--user-data-dir=" + profileDir));
      command.addAll(args);
      return Commands.run(command, Map.of(), new byte[0], Duration.ofSeconds(60));
    } finally {
      deleteTree(profileDir);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
