package io.opspulse.agent.core;

import static io.opspulse.agent.core.InstalledRecorder.CLIENT_DURATION;
import static io.opspulse.testkit.exposition.ExpositionAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.opspulse.agent.bootstrap.Hooks;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

/**
 * Reactor Netty's client operations, the real ones a request runs on, and Netty's messages, read
 * through method handles: what the woven {@code HttpClientOperations} passes to {@link
 * Hooks#reactorNettyResponse} and {@link Hooks#reactorNettyClosed}.
 */
class ReactorNettyAccessorTest {
  @Test
  void aResponseHeadsStatusIsReadAndEveryOtherMessageIsNone() throws Throwable {
    assertThat(
            ReactorNettyAccessor.responseStatus(
                new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY)))
        .isEqualTo(502);
    assertThat(
            ReactorNettyAccessor.responseStatus(
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED)))
        .isEqualTo(201);
    assertThat(ReactorNettyAccessor.responseStatus(new DefaultHttpContent(Unpooled.EMPTY_BUFFER)))
        .isEqualTo(-1);
    assertThat(ReactorNettyAccessor.responseStatus(LastHttpContent.EMPTY_LAST_CONTENT))
        .isEqualTo(-1);
    assertThat(
            ReactorNettyAccessor.responseStatus(
                new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/")))
        .isEqualTo(-1);
  }

  /** The operations a real GET ran on (Reactor Netty's non-public HttpClientOperations). */
  private static Object operationsOfARealRequest(String url) {
    AtomicReference<Object> operations = new AtomicReference<>();
    HttpClient.create()
        .doOnRequest((request, connection) -> operations.set(request))
        .get()
        .uri(url)
        .responseContent()
        .aggregate()
        .asString()
        .block(Duration.ofSeconds(30));
    assertThat(operations.get()).isNotNull();
    return operations.get();
  }

  @Test
  void theOperationsMethodAndUrlAreRead() throws Throwable {
    try (StatusServer server = new StatusServer()) {
      Object operations = operationsOfARealRequest(server.url(200));
      assertThat(operations.getClass().getName())
          .isEqualTo("reactor.netty.http.client.HttpClientOperations");
      assertThat(Modifier.isPublic(operations.getClass().getModifiers())).isFalse();

      ReactorNettyAccessor accessor = ReactorNettyAccessor.of(operations);
      assertThat(accessor).isNotNull();
      assertThat(accessor.method(operations)).isEqualTo("GET");
      assertThat(accessor.url(operations)).isEqualTo(server.url(200));
    }
  }

  @Test
  void theResponseHeadEndsTheExchangeAndALaterCloseIsIgnored() throws Exception {
    try (StatusServer server = new StatusServer();
        InstalledRecorder recorder = new InstalledRecorder()) {
      Object operations = operationsOfARealRequest(server.url(200));
      Hooks.asyncClientStarted(operations);
      Hooks.reactorNettyResponse(operations, new DefaultHttpContent(Unpooled.EMPTY_BUFFER));
      Hooks.reactorNettyResponse(
          operations,
          new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE));
      Hooks.reactorNettyResponse(operations, LastHttpContent.EMPTY_LAST_CONTENT);
      Hooks.reactorNettyClosed(operations);

      assertThat(recorder.scrape())
          .hasHistogram(CLIENT_DURATION)
          .withLabels(
              "http_request_method", "GET",
              "server_address", "127.0.0.1",
              "server_port", Integer.toString(server.port()))
          .hasSeriesCount(1)
          .withLabels("http_response_status_code", "503", "error_type", "503")
          .hasCount(1);
      assertThat(recorder.errors.count("http-client")).isZero();
    }
  }

  @Test
  void aCloseBeforeTheResponseEndsTheExchangeAsAPrematureClose() throws Exception {
    try (StatusServer server = new StatusServer();
        InstalledRecorder recorder = new InstalledRecorder()) {
      Object operations = operationsOfARealRequest(server.url(200));
      Hooks.asyncClientStarted(operations);
      Hooks.reactorNettyClosed(operations);
      Hooks.reactorNettyResponse(
          operations, new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));

      assertThat(recorder.scrape())
          .hasHistogram(CLIENT_DURATION)
          .withLabels(
              "http_request_method", "GET",
              "server_address", "127.0.0.1",
              "server_port", Integer.toString(server.port()))
          .hasSeriesCount(1)
          .withLabels(
              "http_response_status_code",
              "",
              "error_type",
              "reactor.netty.http.client.PrematureCloseException")
          .hasCount(1);
    }
  }
}
