package io.opspulse.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Vert.x 5 HTTP server ({@code VertxApp}, Maven Central's jars) with the agent, on JDK 17 and 25:
 * each request once, over HTTP/2 (h2c, the JDK client's upgrade) and HTTP/1.1, from its head to its
 * response's end (an answer sent from a timer included), with its method and status, a 500 as
 * {@code error_type}, and no {@code http_route}: Vert.x core names none.
 */
class VertxIT {
  private static final String COUNT = "http_server_request_duration_seconds_count";
  private static final String SUM = "http_server_request_duration_seconds_sum";

  private static int http11(String url) throws java.io.IOException {
    java.net.HttpURLConnection c =
        (java.net.HttpURLConnection) java.net.URI.create(url).toURL().openConnection();
    try {
      int status = c.getResponseCode();
      java.io.InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream();
      if (body != null) {
        body.readAllBytes();
      }
      return status;
    } finally {
      c.disconnect();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.opspulse.agent.it.AgentApp#jdks")
  void vertxRequestsUntilTheirResponseEnds(Path java, @TempDir Path tmp) throws Exception {
    AgentApp.requireJdk(java);
    int http = Ports.freeLoopbackPort();
    int metrics = Ports.freeLoopbackPort();
    String jdk = java.getParent().getParent().getFileName().toString();
    // Vert.x runs on Netty, which the test applications find beside Reactor Netty.
    String classpath =
        AgentApp.appClasspath()
            + File.pathSeparator
            + ClientsAndPoolsIT.LIBRARY_LIBS.toAbsolutePath()
            + "/*";
    try (AgentApp app =
        AgentApp.start(
            "vertx-" + jdk,
            java,
            "host=127.0.0.1,port="
                + metrics
                + ",state.dir="
                + tmp.resolve("state")
                + ",service=vertx",
            List.of(),
            classpath,
            "io.opspulse.testapp.VertxApp",
            List.of(String.valueOf(http)),
            Map.of(),
            tmp.resolve("logs"))) {
      String base = "http://127.0.0.1:" + http;
      assertThat(Http.get(base + "/owners/1").body()).isEqualTo("owner 1");
      assertThat(Http.get(base + "/owners/2").body()).isEqualTo("owner 2");
      assertThat(Http.get(base + "/slow").body()).isEqualTo("slow");
      assertThat(Http.get(base + "/fail").statusCode()).isEqualTo(500);
      assertThat(Http.get(base + "/nothere").statusCode()).isEqualTo(404);
      // The JDK's HttpClient above upgrades to HTTP/2 (h2c); HttpURLConnection stays on HTTP/1.1.
      assertThat(http11(base + "/owners/3")).isEqualTo(200);
      assertThat(http11(base + "/slow")).isEqualTo(200);
      assertThat(http11(base + "/fail")).isEqualTo(500);

      Scrape scrape =
          Poll.until(
              "8 requests to be recorded",
              Duration.ofSeconds(20),
              () -> {
                Scrape s = Scrape.of(metrics);
                return s.value(COUNT) >= 8 ? s : null;
              });
      SoftAssertions soft = new SoftAssertions();
      soft.assertThat(scrape.value(COUNT))
          .as("every request once, HTTP/2 and HTTP/1.1")
          .isEqualTo(8);
      soft.assertThat(
              scrape.value(
                  COUNT,
                  Map.of(
                      "http_request_method",
                      "GET",
                      "url_scheme",
                      "http",
                      "http_response_status_code",
                      "200",
                      "http_route",
                      Scrape.ABSENT)))
          .isEqualTo(5);
      soft.assertThat(
              scrape.value(COUNT, Map.of("http_response_status_code", "500", "error_type", "500")))
          .isEqualTo(2);
      soft.assertThat(
              scrape.value(
                  COUNT, Map.of("http_response_status_code", "404", "http_route", Scrape.ABSENT)))
          .isEqualTo(1);
      soft.assertThat(scrape.named(COUNT))
          .as("Vert.x core names no route")
          .noneMatch(s -> s.labels().containsKey("http_route"));
      soft.assertThat(scrape.value(SUM))
          .as("both timers' 200 ms are inside the measurements")
          .isGreaterThan(0.4);
      soft.assertThat(scrape.named("opspulse_agent_errors_total"))
          .as("no failure contained by the agent")
          .isNotEmpty()
          .allSatisfy(s -> assertThat(s.value()).as(s.labels().toString()).isZero());
      soft.assertAll();
      assertThat(app.log()).doesNotContain("cannot instrument");
    }
  }
}
