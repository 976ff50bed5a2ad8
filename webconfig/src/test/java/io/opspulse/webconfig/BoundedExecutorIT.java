package io.opspulse.webconfig;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A scrape that hangs (a collector stuck on a lock, a slow disk) must not let further scrapes pile
 * up threads: with one worker and no queue, the second concurrent request is refused at once, and
 * the endpoint serves normally again once the first one finishes.
 */
class BoundedExecutorIT {
  @Test
  void aRequestBeyondTheBoundIsRefusedAtOnceAndServiceResumesAfterwards() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(
        () -> {
          entered.countDown();
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return GaugeSnapshot.builder()
              .name("opspulse_test_slow")
              .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(1).build())
              .build();
        });
    BoundedExecutor executor = BoundedExecutor.create(1, 0, "bounded-it");
    try (HTTPServer server =
        HTTPServer.builder()
            .registry(registry)
            .inetAddress(InetAddress.getLoopbackAddress())
            .port(0)
            .executorService(executor)
            .buildAndStart()) {
      String url = "http://127.0.0.1:" + server.getPort() + "/metrics";
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      CompletableFuture<HttpResponse<String>> first =
          client.sendAsync(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(entered.await(30, TimeUnit.SECONDS))
          .as("the first scrape reached the collector")
          .isTrue();

      assertThat(rawGet(server.getPort()))
          .as("refused: connection closed without a response")
          .isEmpty();
      assertThat(executor.rejectedCount()).isGreaterThanOrEqualTo(1);

      release.countDown();
      assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      HttpResponse<String> after =
          client.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(after.statusCode()).isEqualTo(200);
      assertThat(after.body()).contains("opspulse_test_slow 1.0");
    } finally {
      release.countDown();
    }
  }

  /**
   * What a plain socket reads back for a GET; a bounded read, so a hang fails the test instead of
   * stalling it.
   */
  private static String rawGet(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(
          "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      try {
        return new String(in.readNBytes(64), StandardCharsets.US_ASCII);
      } catch (java.net.SocketException e) {
        return ""; // reset by the server: refused too
      }
    }
  }
}
