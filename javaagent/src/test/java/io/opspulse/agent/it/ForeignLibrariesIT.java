package io.opspulse.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's relocated OpenTelemetry and ASM never meet the application's own OpenTelemetry API
 * and ByteBuddy (with the ASM ByteBuddy carries), of other versions.
 */
class ForeignLibrariesIT {

  @Test
  void anAppWithItsOwnOpenTelemetryAndByteBuddyRunsAndIsMeasured(@TempDir Path tmp)
      throws Exception {
    int app = Ports.freeLoopbackPort();
    int metrics = Ports.freeLoopbackPort();
    String classpath =
        AgentApp.TEST_CLASSES.toAbsolutePath()
            + File.pathSeparator
            + AgentApp.FOREIGN_LIBS.toAbsolutePath()
            + "/*";
    try (AgentApp foreign =
        AgentApp.start(
            "foreign",
            AgentApp.JDK17_JAVA,
            "host=127.0.0.1,port=" + metrics + ",state.dir=" + tmp,
            List.of(),
            classpath,
            "io.opspulse.testapp.ForeignApp",
            List.of(String.valueOf(app)),
            Map.of(),
            tmp)) {
      for (int i = 0; i < 7; i++) {
        assertThat(Http.get("http://127.0.0.1:" + app + "/hello").body())
            .isEqualTo(
                "made by the app's ByteBuddy; bytebuddy from byte-buddy-1.14.18.jar;"
                    + " otel-api from opentelemetry-api-1.62.0.jar");
      }
      // Recorded when the handler returns, which can be after the client has the response.
      Scrape scrape =
          Poll.until(
              "the seven requests to be recorded",
              Duration.ofSeconds(20),
              () -> {
                Scrape s = Scrape.of(metrics);
                return s.value(
                            "http_server_request_duration_seconds_count",
                            Map.of("http_route", "/hello"))
                        >= 7
                    ? s
                    : null;
              });
      assertThat(
              scrape.value(
                  "http_server_request_duration_seconds_count", Map.of("http_route", "/hello")))
          .isEqualTo(7);
      assertThat(scrape.text()).doesNotContain("foreign_hits");
      assertThat(foreign.log()).doesNotContain("Exception");
    }
  }
}
