package io.opspulse.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.Commands;
import io.opspulse.testkit.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service crashing faster than Prometheus scrapes is never seen down and up; the start history in
 * the agent's state file is. The last start runs under a JDWP debug agent: development machinery in
 * production, as in the reload loop of the incident report.
 */
class RestartLoopIT {

  @Test
  void startsAreCountedAcrossCrashesAndADebugAgentIsDevMode(@TempDir Path tmp) throws Exception {
    Path state = tmp.resolve("state");
    String agent =
        "-javaagent:"
            + AgentApp.AGENT_JAR.toAbsolutePath()
            + "=port=off,service=billing,state.dir="
            + state;
    for (int i = 0; i < 3; i++) {
      var crash =
          Commands.run(
              List.of(
                  AgentApp.JDK17_JAVA.toString(),
                  agent,
                  "-cp",
                  AgentApp.TEST_CLASSES.toAbsolutePath().toString(),
                  "io.opspulse.testapp.CrashingApp"),
              Map.of(),
              null,
              Duration.ofSeconds(60));
      assertThat(crash.exitCode()).as(crash.stdout() + crash.stderr()).isEqualTo(3);
    }
    assertThat(
            Files.readAllLines(state.resolve("billing.starts")).stream()
                .filter(l -> !l.startsWith("#")))
        .hasSize(3);

    int app = Ports.freeLoopbackPort();
    int metrics = Ports.freeLoopbackPort();
    try (AgentApp billing =
        AgentApp.start(
            "billing",
            AgentApp.JDK17_JAVA,
            "host=127.0.0.1,port=" + metrics + ",service=billing,state.dir=" + state,
            List.of("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0"),
            AgentApp.appClasspath(),
            "io.opspulse.testapp.HelloApp",
            List.of(String.valueOf(app)),
            Map.of(),
            tmp)) {
      Scrape scrape = Scrape.of(metrics);
      assertThat(scrape.value("opspulse_jvm_recent_starts", Map.of("window", "5m"))).isEqualTo(4);
      assertThat(scrape.value("opspulse_jvm_recent_starts", Map.of("window", "24h"))).isEqualTo(4);
      assertThat(scrape.value("opspulse_dev_mode", Map.of("reason", "jdwp"))).isEqualTo(1);
      assertThat(scrape.has("opspulse_dev_mode", Map.of("reason", "none"))).isFalse();
      assertThat(scrape.value("opspulse_in_process_restarts_total")).isEqualTo(0);
    }
  }
}
