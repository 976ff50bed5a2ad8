package io.opspulse.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.catalog.MetricDefinition;
import io.opspulse.catalog.ProfilerMetrics;
import io.opspulse.testkit.GoPprof;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's continuous profiler, end to end: a JVM with a known hot method, the agent started
 * with {@code profiler=on}, its folded stacks from the debug endpoint and its series on the metrics
 * endpoint.
 */
class ProfilerIT {
  private static final String HOT = "io.opspulse.testapp.HotLoopApp.burnCpu";

  @Test
  void theHotMethodTopsTheProfileAndTheMetrics(@TempDir Path tmp) throws Exception {
    int metrics = Ports.freeLoopbackPort();
    int debug = Ports.freeLoopbackPort();
    try (AgentApp app =
        AgentApp.start(
            "profiler-on",
            AgentApp.JDK17_JAVA,
            "host=127.0.0.1,port="
                + metrics
                + ",state.dir="
                + tmp
                + ",profiler=on,profiler.port="
                + debug,
            List.of(),
            AgentApp.appClasspath(),
            "io.opspulse.testapp.HotLoopApp",
            List.of(),
            Map.of(),
            tmp)) {
      String url = "http://127.0.0.1:" + debug + "/debug/profile?seconds=2&event=cpu";
      // JFR starts beside the app and delivers about once a second: wait for the first samples.
      String folded =
          Poll.until(
              "a cpu profile naming " + HOT,
              Duration.ofSeconds(30),
              () -> {
                HttpResponse<String> response = Http.get(url);
                return response.statusCode() == 200 && response.body().contains(HOT)
                    ? response.body()
                    : null;
              });
      // Heaviest first: the hot method ends one of the top stacks.
      List<String> top = folded.lines().limit(3).toList();
      assertThat(top)
          .as(folded)
          .anySatisfy(line -> assertThat(line).matches(".*;" + HOT.replace(".", "\\.") + " \\d+"));

      Scrape scrape =
          Poll.until(
              "profiler series with " + HOT,
              Duration.ofSeconds(30),
              () -> {
                Scrape s = Scrape.of(metrics);
                boolean hotFrame =
                    s.samples().stream()
                        .anyMatch(
                            x ->
                                x.name().equals("opspulse_profiler_top_frame_ratio")
                                    && x.has(Map.of("event", "cpu", "frame", HOT))
                                    && x.value() > 0);
                return hotFrame ? s : null;
              });
      assertThat(scrape.samples())
          .anySatisfy(
              s -> {
                assertThat(s.name()).isEqualTo("opspulse_profiler_samples_total");
                assertThat(s.labels()).containsEntry("event", "cpu");
                assertThat(s.value()).isPositive();
              });
      assertThat(scrape.samples())
          .anySatisfy(
              s -> {
                assertThat(s.name()).isEqualTo("opspulse_profiler_running");
                assertThat(s.value()).isEqualTo(1.0);
              });
      for (MetricDefinition def : ProfilerMetrics.ALL) {
        assertThat(scrape.labelNames(def.name()))
            .as(def.name() + " labels")
            .isEqualTo(new TreeSet<>(def.labels()));
      }
      Set<String> frames = new TreeSet<>();
      scrape.samples().stream()
          .filter(s -> s.name().equals("opspulse_profiler_top_frame_ratio"))
          .forEach(s -> frames.add(s.labels().get("frame")));
      assertThat(frames)
          .hasSizeLessThanOrEqualTo(ProfilerMetrics.TOP_FRAMES)
          .noneMatch(f -> f.startsWith("["));

      // The same profile as pprof, read by Go's own pprof over HTTP, as Pyroscope or Parca would
      // scrape it.
      List<String> rows =
          topRows(
              GoPprof.require(tmp.resolve("go")),
              "http://127.0.0.1:" + debug + "/debug/pprof/profile?seconds=5");
      assertThat(rows.get(0)).as(String.join("\n", rows)).endsWith(" " + HOT);
    }
  }

  /** The rows of {@code go tool pprof -top}, heaviest self time first. */
  private static List<String> topRows(GoPprof go, String url) {
    String top = go.run("-top", "-nodecount=5", url);
    List<String> rows = top.lines().dropWhile(l -> !l.trim().startsWith("flat")).skip(1).toList();
    assertThat(rows).as(top).isNotEmpty();
    return rows;
  }

  /**
   * The metrics endpoint's web.config.file protects the profiles too: nothing without the password.
   */
  @Test
  void theProfilerEndpointTakesTheMetricsEndpointsWebConfig(@TempDir Path tmp) throws Exception {
    int metrics = Ports.freeLoopbackPort();
    int debug = Ports.freeLoopbackPort();
    Path web =
        java.nio.file.Files.writeString(
            tmp.resolve("web.yml"),
            "basic_auth_users:\n  ops: '"
                + at.favre.lib.crypto.bcrypt.BCrypt.withDefaults()
                    .hashToString(6, "s3cret".toCharArray())
                + "'\n");
    try (AgentApp app =
        AgentApp.start(
            "profiler-web-config",
            AgentApp.JDK17_JAVA,
            "host=127.0.0.1,port="
                + metrics
                + ",state.dir="
                + tmp
                + ",profiler=on,profiler.port="
                + debug
                + ",web.config.file="
                + web,
            List.of(),
            AgentApp.appClasspath(),
            "io.opspulse.testapp.HotLoopApp",
            List.of(),
            Map.of(),
            tmp)) {
      String base = "http://127.0.0.1:" + debug;
      for (String path :
          List.of(
              "/debug/profile?seconds=1&event=cpu",
              "/debug/flamegraph",
              "/debug/pprof/profile",
              "/")) {
        assertThat(get(base + path, null).statusCode())
            .as(path + " without credentials")
            .isEqualTo(401);
        assertThat(get(base + path, "ops:wrong").statusCode())
            .as(path + " with a wrong password")
            .isEqualTo(401);
      }
      assertThat(get(base + "/", "ops:s3cret").statusCode()).isEqualTo(404);
      String folded =
          Poll.until(
              "a protected cpu profile naming " + HOT,
              Duration.ofSeconds(30),
              () -> {
                HttpResponse<String> response =
                    get(base + "/debug/profile?seconds=2&event=cpu", "ops:s3cret");
                return response.statusCode() == 200 && response.body().contains(HOT)
                    ? response.body()
                    : null;
              });
      assertThat(folded).contains(HOT);
      // go tool pprof sends the URL's user and password as basic auth, as a scraper's basic_auth
      // would.
      List<String> rows =
          topRows(
              GoPprof.require(tmp.resolve("go")),
              "http://ops:s3cret@127.0.0.1:" + debug + "/debug/pprof/profile?seconds=5");
      assertThat(rows.get(0)).as(String.join("\n", rows)).endsWith(" " + HOT);
      assertThat(
              GoPprof.require(tmp.resolve("go"))
                  .runRaw("-top", base + "/debug/pprof/profile")
                  .exitCode())
          .as("go tool pprof without the password")
          .isNotZero();
      assertThat(app.log())
          .contains("profiler endpoint on 127.0.0.1:" + debug + " over http (" + web + ":");
    }
  }

  private static HttpResponse<String> get(String url, String userPassword) {
    java.net.http.HttpRequest.Builder b =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
            .timeout(Duration.ofSeconds(30));
    if (userPassword != null) {
      b.header(
          "Authorization",
          "Basic "
              + java.util.Base64.getEncoder()
                  .encodeToString(userPassword.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    try {
      return java.net.http.HttpClient.newHttpClient()
          .send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aTakenProfilerPortIsCountedAndTheProfilerRunsOn(@TempDir Path tmp) throws Exception {
    int metrics = Ports.freeLoopbackPort();
    int debug = Ports.freeLoopbackPort();
    try (ServerSocket taken = new ServerSocket(debug, 50, InetAddress.getByName("127.0.0.1"));
        AgentApp app =
            AgentApp.start(
                "profiler-port-taken",
                AgentApp.JDK17_JAVA,
                "host=127.0.0.1,port="
                    + metrics
                    + ",state.dir="
                    + tmp
                    + ",profiler=on,profiler.port="
                    + debug,
                List.of(),
                AgentApp.appClasspath(),
                "io.opspulse.testapp.HotLoopApp",
                List.of(),
                Map.of(),
                tmp)) {
      assertThat(app.log())
          .contains("no profiler endpoint on 127.0.0.1:" + debug)
          .contains("profiler failed (contained; the application runs on)");
      Scrape scrape =
          Poll.until(
              "cpu samples despite the taken port",
              Duration.ofSeconds(30),
              () -> {
                Scrape s = Scrape.of(metrics);
                return s.samples().stream()
                        .anyMatch(
                            x ->
                                x.name().equals("opspulse_profiler_samples_total") && x.value() > 0)
                    ? s
                    : null;
              });
      assertThat(scrape.samples())
          .anySatisfy(
              s -> {
                assertThat(s.name()).isEqualTo("opspulse_agent_errors_total");
                assertThat(s.labels()).containsEntry("component", "profiler");
                assertThat(s.value()).isEqualTo(1.0);
              });
      assertThat(app.process().isAlive()).isTrue();
    }
  }
}
