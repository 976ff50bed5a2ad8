package io.opspulse.agent.core;

import static io.opspulse.agent.core.InstalledRecorder.HTTP_SERVER;
import static io.opspulse.testkit.exposition.ExpositionAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.opspulse.agent.bootstrap.Hooks;
import io.opspulse.testkit.exposition.Exposition;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Vert.x's hooks with the objects of a real Vert.x 5 server: its request handler makes the calls
 * the agent weaves into the response's constructor (or the HTTP/2 request's) and its end, with the
 * server's own request, response and connection (Vert.x's internal classes, read through its API).
 */
class VertxHooksTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final InstalledRecorder agent = new InstalledRecorder();
  private final Vertx vertx = Vertx.vertx();

  /** Released once per request whose hooks have run. */
  private final Semaphore handled = new Semaphore(0);

  private volatile Consumer<HttpServerRequest> handler = request -> {};
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  try {
                    handler.accept(request);
                  } finally {
                    handled.release();
                  }
                })
            .listen(0, "127.0.0.1")
            .await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
    agent.close();
  }

  private int send(String method) throws Exception {
    return CLIENT
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/x"))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private Exposition afterHandled(int requests) throws InterruptedException {
    assertThat(handled.tryAcquire(requests, 30, TimeUnit.SECONDS)).isTrue();
    assertThat(agent.errors.count("http-server")).as("errors reading Vert.x").isZero();
    return agent.scrape();
  }

  @Test
  void aRequestRunsFromItsResponsesCreationToItsEnd() throws Exception {
    handler =
        request -> {
          HttpServerResponse response = request.response();
          // Netty's request head, as Vert.x hands it to the response's constructor.
          Hooks.vertxResponseCreated(
              response,
              request.connection(),
              new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/x"));
          response.setStatusCode(503).end();
          Hooks.vertxResponseEnd(response);
          Hooks.vertxResponseEnd(response); // an end after the end: ignored
        };

    assertThat(send("PUT")).isEqualTo(503);

    assertThat(afterHandled(1))
        .hasHistogram(HTTP_SERVER)
        .hasSeriesCount(1)
        .withLabels(
            "http_request_method",
            "PUT",
            "url_scheme",
            "http",
            "http_response_status_code",
            "503",
            "error_type",
            "503",
            "http_route",
            "")
        .hasCount(1);
  }

  @Test
  void anHttp2RequestBeginsWithItsRequestObject() throws Exception {
    handler =
        request -> {
          // The HTTP/2 request's constructor: the same API reads an HTTP/1.x request.
          Hooks.vertxHttp2Request(request);
          request.response().setStatusCode(201).end("made");
          Hooks.vertxResponseEnd(request.response());
        };

    assertThat(send("POST")).isEqualTo(201);

    assertThat(afterHandled(1))
        .hasHistogram(HTTP_SERVER)
        .withLabels(
            "http_request_method", "POST", "url_scheme", "http", "http_response_status_code", "201")
        .hasCount(1);
  }

  @Test
  void aResponseWithoutConnectionOrRequestHeadIsAnHttpRequestOfNoKnownMethod() throws Exception {
    handler =
        request -> {
          Hooks.vertxResponseCreated(request.response(), null, null);
          request.response().end();
          Hooks.vertxResponseEnd(request.response());
        };

    assertThat(send("GET")).isEqualTo(200);

    assertThat(afterHandled(1))
        .hasHistogram(HTTP_SERVER)
        .withLabels(
            "http_request_method",
            "_OTHER",
            "url_scheme",
            "http",
            "http_response_status_code",
            "200")
        .hasCount(1);
  }

  @Test
  void aResponseThatNeverBeganIsNotRecorded() throws Exception {
    handler =
        request -> {
          request.response().end();
          Hooks.vertxResponseEnd(request.response());
        };

    assertThat(send("GET")).isEqualTo(200);

    assertThat(afterHandled(1)).doesNotHaveSeries(HTTP_SERVER + "_count");
  }
}
