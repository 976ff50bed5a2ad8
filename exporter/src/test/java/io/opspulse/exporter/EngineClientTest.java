package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

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
}
