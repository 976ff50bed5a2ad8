package io.opspulse.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.Poll;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A runtime without JDK Flight Recorder (a jlink image without jdk.jfr, simulated by
 * --limit-modules).
 */
class ProfilerWithoutJfrIT {
  @Test
  void theProfilerLogsOneLineTurnsItselfOffAndTheServiceRunsOn() throws Exception {
    try (HotAppProcess app =
        HotAppProcess.start(
            "hotapp-nojfr",
            List.of("--limit-modules", "java.base,java.net.http,jdk.httpserver"),
            "cpu")) {
      Poll.untilTrue(
          "the profiler off", Duration.ofSeconds(30), () -> app.log().contains("state=OFF"));

      assertThat(app.log().lines().filter(l -> l.contains("[opspulse-profiler]")).toList())
          .containsExactly(
              "[opspulse-profiler] profiler off: this JVM has no JDK Flight Recorder (module jdk.jfr)");
      HttpResponse<String> r = app.get("/debug/profile?event=cpu");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body()).contains("profiler off: this JVM has no JDK Flight Recorder");
      Poll.untilTrue(
          "two more heartbeats from the app",
          Duration.ofSeconds(10),
          () -> app.log().lines().filter(l -> l.startsWith("state=OFF")).count() >= 2);
      assertThat(app.isAlive()).isTrue();
    }
  }
}
