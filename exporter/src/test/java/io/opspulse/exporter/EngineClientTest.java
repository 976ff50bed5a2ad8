package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EngineClientTest {

  @Test
  void decodesChunkedBodies() throws IOException {
    String wire = "4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\n";
    var in = new EngineClient.ChunkedInputStream(new ByteArrayInputStream(wire.getBytes(StandardCharsets.US_ASCII)));
    assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("Wikipedia in \r\n\r\nchunks.");
  }

  @Test
  void aStreamCutInsideAChunkIsAnError() {
    var in = new EngineClient.ChunkedInputStream(new ByteArrayInputStream("a\r\nabc".getBytes(StandardCharsets.US_ASCII)));
    assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
  }

  @Test
  void aNegativeOrMalformedChunkSizeIsAnErrorNotACrash() {
    for (String wire : new String[] {"-5\r\nabc", "+5\r\nabcde\r\n0\r\n\r\n", "zz\r\n"}) {
      var in = new EngineClient.ChunkedInputStream(new ByteArrayInputStream(wire.getBytes(StandardCharsets.US_ASCII)));
      assertThatThrownBy(in::readAllBytes).as(wire).isInstanceOf(IOException.class).hasMessageContaining("bad chunk size");
    }
  }

  @Test
  void parsesDockerHostForms() {
    assertThat(DockerEndpoint.parse(null).socket()).hasToString("/var/run/docker.sock");
    assertThat(DockerEndpoint.parse("unix:///tmp/d.sock").socket()).hasToString("/tmp/d.sock");
    DockerEndpoint tcp = DockerEndpoint.parse("tcp://127.0.0.1:2376");
    assertThat(tcp.host()).isEqualTo("127.0.0.1");
    assertThat(tcp.port()).isEqualTo(2376);
    assertThatThrownBy(() -> DockerEndpoint.parse("ssh://x")).hasMessageContaining("only unix:// and tcp://");
    assertThatThrownBy(() -> DockerEndpoint.parse("unix://")).hasMessageContaining("no socket path");
  }

  @Test
  void anUnreachableEngineIsAnEngineExceptionNotACrash() {
    EngineClient c = new EngineClient(DockerEndpoint.parse("unix:///nonexistent/docker.sock"), java.time.Duration.ofSeconds(1));
    assertThatThrownBy(() -> c.get("/_ping")).isInstanceOf(EngineException.class)
        .satisfies(e -> assertThat(((EngineException) e).status()).isZero());
    c.close();
  }
}
