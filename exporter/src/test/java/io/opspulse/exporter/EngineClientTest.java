package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineClientTest {

  @Test
  void readsTheEnginesClockFromInfo() {
    assertThat(EngineClient.engineTimeNanos("2026-12-07T01:02:03.123456789Z"))
        .isEqualTo(
            java.time.Instant.parse("2026-12-07T01:02:03Z").getEpochSecond() * 1_000_000_000L
                + 123_456_789L);
    assertThat(EngineClient.engineTimeNanos("not a time")).isZero();
    assertThat(EngineClient.engineTimeNanos(null)).isZero();
  }

  @Test
  void parsesDockerHostForms() {
    assertThat(DockerEndpoint.parse(null).socket()).hasToString("/var/run/docker.sock");
    assertThat(DockerEndpoint.parse("unix:///tmp/d.sock").socket()).hasToString("/tmp/d.sock");
    DockerEndpoint tcp = DockerEndpoint.parse("tcp://127.0.0.1:2376");
    assertThat(tcp.host()).isEqualTo("127.0.0.1");
    assertThat(tcp.port()).isEqualTo(2376);
    assertThatThrownBy(() -> DockerEndpoint.parse("ssh://x"))
        .hasMessageContaining("only unix:// and tcp://");
    assertThatThrownBy(() -> DockerEndpoint.parse("unix://"))
        .hasMessageContaining("no socket path");
  }

  @Test
  void anUnreachableEngineIsAnEngineExceptionNotACrash() {
    try (EngineClient c =
        new EngineClient(
            DockerEndpoint.parse("unix:///nonexistent/docker.sock"),
            java.time.Duration.ofSeconds(1))) {
      for (org.assertj.core.api.ThrowableAssert.ThrowingCallable call :
          List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
              c::ping, c::state, c::containerIds, () -> c.inspect("abc"))) {
        assertThatThrownBy(call)
            .isInstanceOf(EngineException.class)
            .hasMessageContaining("/nonexistent/docker.sock")
            .satisfies(e -> assertThat(((EngineException) e).status()).isZero());
      }
    }
  }

  /**
   * A daemon that stops answering halfway through a body (or before the head) must not hold the
   * caller past the timeout: docker-java's unix socket ignores read timeouts, so the watchdog has
   * to free it, whatever the call is reading at that moment.
   */
  @Test
  void aCallWhoseAnswerStopsHalfwayEndsAtTheTimeout(@TempDir Path dir) throws Exception {
    AtomicInteger lists = new AtomicInteger();
    try (EngineProxy proxy =
            new EngineProxy(
                dir.resolve("engine.sock"),
                dir.resolve("no-upstream.sock"),
                path ->
                    path.contains("/containers/json")
                        // The first list gets no status line at all, the second half a body.
                        ? lists.getAndIncrement() == 0
                            ? new EngineProxy.Stall()
                            : new EngineProxy.StallInBody("[{\"Id\":\"abc\",\"Names\":[")
                        : path.contains("/info")
                            ? new EngineProxy.StallInBody("{\"NCPU\":")
                            : new EngineProxy.Stall());
        EngineClient c =
            new EngineClient(DockerEndpoint.parse(proxy.dockerHost()), Duration.ofSeconds(1))) {
      for (org.assertj.core.api.ThrowableAssert.ThrowingCallable call :
          List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
              c::containerIds, c::state, () -> c.inspect("abc"), c::containerIds)) {
        assertTimeoutPreemptively(
            Duration.ofSeconds(15),
            () ->
                assertThatThrownBy(call)
                    .isInstanceOf(EngineException.class)
                    .hasMessageContaining("no answer within 1000 ms"));
      }
      assertThat(lists).hasValue(2);
    }
  }
}
