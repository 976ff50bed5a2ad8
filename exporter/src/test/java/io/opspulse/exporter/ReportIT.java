package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opspulse.testkit.DockerDaemonExtension;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.PrivateDockerDaemon;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** `report` against a real daemon reads like the hand-written incident reports. */
@ExtendWith(DockerDaemonExtension.class)
class ReportIT {

  @Test
  void theReportNamesSprawlCrashLoopsHealthAndLimits(PrivateDockerDaemon docker, @TempDir Path dir)
      throws Exception {
    Path compose = Files.createDirectories(dir.resolve("shop")).resolve("compose.yaml");
    Files.writeString(compose, "services:\n  api: {image: a}\n  consul: {image: c}\n");
    String[] ids = {
      docker.run(
          "--name",
          "shop-api-1",
          "--label",
          "com.docker.compose.project=shop",
          "--label",
          "com.docker.compose.service=api",
          "--cpus",
          "1.5",
          "-m",
          "64m",
          PrivateDockerDaemon.BUSYBOX,
          "sleep",
          "300"),
      docker.run(
          "--name",
          "report-loop",
          "--restart",
          "always",
          PrivateDockerDaemon.BUSYBOX,
          "sh",
          "-c",
          "missing-binary"),
      docker.run(
          "--name",
          "report-flappy",
          "--health-cmd",
          "exit 1",
          "--health-interval",
          "1s",
          "--health-timeout",
          "1s",
          "--health-retries",
          "1",
          "--cpus",
          "1",
          PrivateDockerDaemon.BUSYBOX,
          "sleep",
          "300"),
      docker.run("--name", "report-old", PrivateDockerDaemon.BUSYBOX, "true")
    };
    try {
      Poll.untilTrue(
          "the loop to restart and the check to fail",
          Duration.ofSeconds(60),
          () ->
              !docker.dockerOk("inspect", "-f", "{{.RestartCount}}", "report-loop").equals("0")
                  && docker
                      .dockerOk("inspect", "-f", "{{.State.Health.Status}}", "report-flappy")
                      .equals("unhealthy"));
      String text =
          run("report", "--docker.host", docker.dockerHost(), "--compose.file", compose.toString());
      assertThat(text)
          .contains("SPRAWL", "CRASH LOOPS AND EXITS", "HEALTH", "LIMITS AGAINST THE HOST");
      assertThat(text).containsPattern("\\d+ containers running where 2 are declared");
      assertThat(text).contains("declared but not running: shop/consul");
      assertThat(text)
          .containsPattern("report-loop\\s+\\S+\\s+[1-9]\\d*\\s+127\\s+127: command not found");
      assertThat(text).contains("unhealthy: report-flappy");
      assertThat(text).contains("health-check timeout 1.0s (< 2s floor) on report-flappy");
      assertThat(text)
          .containsPattern("CPU limits of running containers add up to \\d+\\.\\d\\d cores");
      assertThat(text).contains("exited containers not removed").contains("report-old");

      JsonNode json =
          new ObjectMapper()
              .readTree(
                  run(
                      "report",
                      "--json",
                      "--docker.host",
                      docker.dockerHost(),
                      "--compose.file",
                      compose.toString()));
      assertThat(json.path("dockerUp").asBoolean()).isTrue();
      assertThat(json.path("sprawl").path("declared").asInt()).isEqualTo(2);
      assertThat(json.path("sprawl").path("declaredNotRunning").get(0).path("service").asText())
          .isEqualTo("consul");
      assertThat(json.path("health").path("unhealthy").toString()).contains("report-flappy");
      assertThat(json.path("limits").path("cpuLimitCores").asDouble()).isGreaterThanOrEqualTo(2.5);
      boolean loopListed = false;
      for (JsonNode loop : json.path("crashLoops")) {
        if (loop.path("name").asText().equals("report-loop")) {
          loopListed = true;
          assertThat(loop.path("reason").asText()).isEqualTo("command_not_found");
        }
      }
      assertThat(loopListed).isTrue();
    } finally {
      for (String id : ids) {
        docker.dockerOk("rm", "-f", id);
      }
    }
  }

  @Test
  void anUnreachableEngineIsAClearErrorNotAStackTrace() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    int code;
    try {
      System.setErr(new PrintStream(err, true));
      code = Main.run("report", "--docker.host", "unix:///nonexistent/docker.sock");
    } finally {
      System.setErr(old);
    }
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("cannot reach the Docker engine").doesNotContain("\tat ");
  }

  private static String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    try {
      System.setOut(new PrintStream(out, true));
      assertThat(Main.run(args)).isZero();
    } finally {
      System.setOut(old);
    }
    return out.toString();
  }
}
