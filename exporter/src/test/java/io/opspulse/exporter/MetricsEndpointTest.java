package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The endpoint encodes family by family and reuses the bytes of unchanged families: what it serves
 * must still be exactly what client_java writes for the whole rendering, in every format, gzipped
 * or not, before and after the fleet changes.
 */
class MetricsEndpointTest {
  private static final String OPENMETRICS =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicReference<FleetView> fleet =
      new AtomicReference<>(FleetExpositionGoldenTest.fleet());
  private FleetCollector collector;
  private HttpServer server;

  @BeforeEach
  void serve() throws IOException {
    collector = FleetExpositionGoldenTest.collector(fleet::get, FleetExpositionGoldenTest.stats());
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.createContext("/metrics", new MetricsEndpoint(collector, collector::version));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void servesWhatTheWriterWritesForTheWholeRenderingBeforeAndAfterAChange() throws Exception {
    assertServedEqualsWholeEncoding();
    assertServedEqualsWholeEncoding(); // from the cached bytes this time

    // A cgroup sample: only the CPU reading of one container changes; the other families' bytes are
    // reused.
    FleetView changed = FleetExpositionGoldenTest.fleet(13.75, 2);
    fleet.set(changed);
    String served = body(PrometheusTextFormatWriter.CONTENT_TYPE, false);
    assertThat(served)
        .contains(
            "docker_container_cpu_usage_seconds_total{compose_project=\"shop\","
                + "compose_service=\"web\",id=\""
                + changed.containers().get(0).info().shortId()
                + "\",name=\"shop-web-1\"} 13.75");
    assertServedEqualsWholeEncoding();
  }

  @Test
  void theFirstScrapeOfTheGoldenFleetIsTheGoldenFile() throws Exception {
    assertThat(
            FleetExpositionGoldenTest.withBuildPlaceholders(
                body(PrometheusTextFormatWriter.CONTENT_TYPE, true)))
        .isEqualTo(Files.readString(FleetExpositionGoldenTest.GOLDEN.resolve("fleet.prom")));
  }

  private void assertServedEqualsWholeEncoding() throws Exception {
    for (boolean gzip : new boolean[] {false, true}) {
      assertThat(body(PrometheusTextFormatWriter.CONTENT_TYPE, gzip))
          .as("text, gzip=%s", gzip)
          .isEqualTo(whole(PrometheusTextFormatWriter.create()));
      assertThat(body(OPENMETRICS, gzip))
          .as("OpenMetrics, gzip=%s", gzip)
          .isEqualTo(whole(OpenMetricsTextFormatWriter.create()))
          .endsWith("# EOF\n");
    }
  }

  private String whole(ExpositionFormatWriter writer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.write(out, collector.collect());
    return out.toString(StandardCharsets.UTF_8);
  }

  private String body(String accept, boolean gzip) throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics"))
            .header("Accept", accept);
    if (gzip) {
      r.header("Accept-Encoding", "gzip");
    }
    HttpResponse<byte[]> response = http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Encoding"))
        .isEqualTo(gzip ? java.util.Optional.of("gzip") : java.util.Optional.empty());
    byte[] bytes = response.body();
    if (gzip) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
        bytes = in.readAllBytes();
      }
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
