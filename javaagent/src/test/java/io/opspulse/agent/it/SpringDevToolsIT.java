package io.opspulse.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real Spring Boot 4 application with DevTools, launched the way an IDE launches it (classes in a
 * directory, libraries as jars, {@code java -cp dir:libs/* Main}), with the agent attached:
 * DevTools is reported as development machinery, Spring MVC requests on embedded Tomcat are
 * measured, and real DevTools restarts (new classes compiled into the watched directory, then the
 * trigger file touched) are counted one for one while the restarted application is still measured
 * and the agent fails nowhere.
 */
class SpringDevToolsIT {
  private static final Path APP_SOURCES =
      Path.of(System.getProperty("opspulse.spring.app.src", "src/test/spring-app"));
  private static final String TRIGGER_FILE = ".reloadtrigger";
  private static final String HTTP_SERVER_COUNT = "http_server_request_duration_seconds_count";
  private static final String RESTARTS = "opspulse_in_process_restarts_total";

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.opspulse.agent.it.AgentApp#jdks")
  void devToolsIsDevModeAndItsRestartsAreCountedWhileTheAppStaysMeasured(
      Path java, @TempDir Path tmp) throws Exception {
    AgentApp.requireJdk(java);
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    int http = Ports.freeLoopbackPort();
    int metrics = Ports.freeLoopbackPort();
    try (AgentApp app = launch(java, tmp, classes, http, metrics)) {
      assertThat(app.log())
          .as("the application runs in DevTools' restart class loader")
          .contains("READY start=1 loader=RestartClassLoader");
      String base = "http://127.0.0.1:" + http;
      for (int i = 0; i < 5; i++) {
        assertThat(Http.get(base + "/greetings/ada" + i).body())
            .isEqualTo("hello ada" + i + " from v1");
      }
      assertThat(Http.get(base + "/health").body()).isEqualTo("up");
      assertThat(Http.get(base + "/missing/page").statusCode()).isEqualTo(404);

      // A servlet request is recorded when its filter chain returns, which can be after the client
      // has the
      // response: wait until the requests made are there, then assert exact values.
      Scrape before =
          Poll.until(
              "the first requests to be recorded",
              Duration.ofSeconds(20),
              () -> {
                Scrape s = Scrape.of(metrics);
                return s.value(HTTP_SERVER_COUNT, Map.of("http_route", "/greetings/{name}")) >= 5
                        && s.value(HTTP_SERVER_COUNT, Map.of("http_route", "/health")) >= 1
                        && s.value(HTTP_SERVER_COUNT, Map.of("http_route", Scrape.ABSENT)) >= 1
                    ? s
                    : null;
              });
      assertThat(before.value("opspulse_dev_mode", Map.of("reason", "devtools"))).isEqualTo(1);
      assertThat(before.has("opspulse_dev_mode", Map.of("reason", "none"))).isFalse();
      assertThat(before.value(RESTARTS))
          .as("the first restart class loader is the start itself")
          .isEqualTo(0);
      assertThat(
              before.value(
                  HTTP_SERVER_COUNT,
                  Map.of(
                      "http_route",
                      "/greetings/{name}",
                      "http_request_method",
                      "GET",
                      "http_response_status_code",
                      "200")))
          .isEqualTo(5);
      assertThat(
              before.value(
                  HTTP_SERVER_COUNT,
                  Map.of("http_route", "/health", "http_response_status_code", "200")))
          .isEqualTo(1);
      assertThat(
              before.value(
                  HTTP_SERVER_COUNT,
                  Map.of("http_route", Scrape.ABSENT, "http_response_status_code", "404")))
          .as("no handler: Spring MVC answers 404, no route")
          .isEqualTo(1);
      assertNoAgentErrors(before);

      // Restart 1: a new version of the controller compiled into the watched directory, then the
      // trigger.
      redeploy(app, tmp, classes, "v2", 2, base);
      for (int i = 0; i < 3; i++) {
        assertThat(Http.get(base + "/greetings/bob" + i).body())
            .isEqualTo("hello bob" + i + " from v2");
      }
      Scrape afterFirst =
          Poll.until(
              "one in-process restart and its requests",
              Duration.ofSeconds(20),
              () -> {
                Scrape s = Scrape.of(metrics);
                return s.value(RESTARTS) >= 1
                        && s.value(HTTP_SERVER_COUNT, Map.of("http_route", "/greetings/{name}"))
                            >= 9
                    ? s
                    : null;
              });
      assertThat(afterFirst.value(RESTARTS)).isEqualTo(1);
      // 5 + 3, and the one request redeploy made once the new version answered
      assertThat(
              afterFirst.value(
                  HTTP_SERVER_COUNT,
                  Map.of("http_route", "/greetings/{name}", "http_response_status_code", "200")))
          .as("requests to the restarted app are measured")
          .isEqualTo(9);

      // Restart 2: the next version.
      redeploy(app, tmp, classes, "v3", 3, base);
      Scrape afterSecond =
          Poll.until(
              "two in-process restarts",
              Duration.ofSeconds(20),
              () -> {
                Scrape s = Scrape.of(metrics);
                return s.value(RESTARTS) >= 2 ? s : null;
              });
      assertThat(afterSecond.value(RESTARTS)).isEqualTo(2);
      assertThat(afterSecond.value("opspulse_dev_mode", Map.of("reason", "devtools"))).isEqualTo(1);
      assertThat(Http.get(base + "/health").body()).isEqualTo("up");
      Scrape last =
          Poll.until(
              "the last request to be recorded",
              Duration.ofSeconds(20),
              () -> {
                Scrape s = Scrape.of(metrics);
                return s.value(HTTP_SERVER_COUNT, Map.of("http_route", "/health")) >= 2 ? s : null;
              });
      assertThat(
              last.value(
                  HTTP_SERVER_COUNT,
                  Map.of("http_route", "/health", "http_response_status_code", "200")))
          .isEqualTo(2);
      assertThat(last.value(RESTARTS)).as("exactly the restarts done").isEqualTo(2);
      assertNoAgentErrors(last);
      assertThat(app.log())
          .doesNotContain("READY start=4")
          .doesNotContain("[opspulse-agent] failed");
    }
  }

  /**
   * Tomcat answers an error status by forwarding to Spring Boot's error page ({@code /error}, an
   * ERROR dispatch) after the request's own filter chain has returned. That dispatch is the same
   * request, not a second one: only the request's own route may count it.
   */
  @Test
  void anErrorPageDispatchIsNotCountedAsASecondRequest(@TempDir Path tmp) throws Exception {
    int http = Ports.freeLoopbackPort();
    int metrics = Ports.freeLoopbackPort();
    try (AgentApp app =
        launch(
            AgentApp.JDK17_JAVA,
            tmp,
            Files.createDirectories(tmp.resolve("classes")),
            http,
            metrics)) {
      for (int i = 0; i < 3; i++) {
        assertThat(Http.get("http://127.0.0.1:" + http + "/missing/page" + i).statusCode())
            .isEqualTo(404);
      }
      Scrape scrape =
          Poll.until(
              "the three requests to be recorded",
              Duration.ofSeconds(20),
              () -> {
                Scrape s = Scrape.of(metrics);
                return s.value(HTTP_SERVER_COUNT, Map.of("http_route", Scrape.ABSENT)) >= 3
                    ? s
                    : null;
              });
      assertThat(scrape.value(HTTP_SERVER_COUNT, Map.of("http_route", Scrape.ABSENT))).isEqualTo(3);
      assertThat(scrape.value(HTTP_SERVER_COUNT)).as("nothing else, no /error").isEqualTo(3);
      assertThat(scrape.has(HTTP_SERVER_COUNT, Map.of("http_route", "/error"))).isFalse();
    }
  }

  /**
   * Compiles version v1 into {@code classes} and starts it with DevTools and the agent, on
   * loopback.
   */
  private static AgentApp launch(Path java, Path tmp, Path classes, int http, int metrics)
      throws IOException {
    compileApp("v1", classes);
    Files.writeString(classes.resolve(TRIGGER_FILE), "start");
    List<String> flags =
        List.of(
            "-Dspring.devtools.restart.trigger-file=" + TRIGGER_FILE,
            // Poll the classes directory often: restarts in a second or two, not the default few.
            "-Dspring.devtools.restart.poll-interval=300ms",
            "-Dspring.devtools.restart.quiet-period=100ms",
            "-Dspring.devtools.livereload.enabled=false", // its server would bind every address
            "-Dspring.devtools.restart.log-condition-evaluation-delta=false",
            "-Dserver.address=127.0.0.1",
            "-Dserver.port=" + http,
            "-Dspring.main.banner-mode=off");
    String classpath = SpringApps.classpath(classes, SpringApps.Stack.DEVTOOLS_MVC_ON_TOMCAT);
    return AgentApp.start(
        "spring-devtools-" + java.getParent().getParent().getFileName(),
        java,
        "host=127.0.0.1,port="
            + metrics
            + ",state.dir="
            + tmp.resolve("state")
            + ",service=greetings",
        flags,
        classpath,
        "io.opspulse.springapp.DevToolsApp",
        List.of(),
        Map.of(),
        tmp.resolve("logs"));
  }

  /**
   * What an IDE does on save: compiles {@code version} beside the classes, copies the class files
   * over them, then touches the trigger file (DevTools restarts when the trigger changes and other
   * files changed with it, so half-copied classes never restart it). Waits for start {@code start}
   * to serve.
   */
  private static void redeploy(
      AgentApp app, Path tmp, Path classes, String version, int start, String base)
      throws IOException {
    Path staged = Files.createDirectories(tmp.resolve("staged-" + version));
    compileApp(version, staged);
    copyClasses(staged, classes);
    Files.writeString(classes.resolve(TRIGGER_FILE), "restart " + "#".repeat(start));
    Poll.untilTrue(
        "start " + start + " to be READY",
        Duration.ofSeconds(30),
        () -> {
          if (!app.process().isAlive()) {
            throw new AssertionError("the application exited:\n" + app.process().logTail(40));
          }
          return app.log().contains("READY start=" + start + " loader=RestartClassLoader");
        });
    assertThat(Http.get(base + "/greetings/restart").body())
        .isEqualTo("hello restart from " + version);
  }

  private static void assertNoAgentErrors(Scrape scrape) {
    List<Scrape.Sample> errors = scrape.named("opspulse_agent_errors_total");
    assertThat(errors).as("the agent's error counter is published").isNotEmpty();
    assertThat(errors)
        .as("no failure contained by the agent")
        .allSatisfy(s -> assertThat(s.value()).isZero());
  }

  /** Compiles the application's sources, with the controller's VERSION set, into {@code out}. */
  private static void compileApp(String version, Path out) throws IOException {
    SpringApps.compile(
        APP_SOURCES,
        SpringApps.Stack.DEVTOOLS_MVC_ON_TOMCAT,
        out,
        text -> {
          if (!text.contains("class GreetingController")) {
            return text;
          }
          assertThat(text).contains("VERSION = \"v1\"");
          return text.replace("VERSION = \"v1\"", "VERSION = \"" + version + "\"");
        });
  }

  private static void copyClasses(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        Files.createDirectories(target.getParent());
        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
