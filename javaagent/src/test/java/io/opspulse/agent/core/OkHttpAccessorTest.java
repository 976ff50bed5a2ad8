package io.opspulse.agent.core;

import static io.opspulse.agent.core.InstalledRecorder.CLIENT_DURATION;
import static io.opspulse.testkit.exposition.ExpositionAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.agent.bootstrap.Hooks;
import java.io.InterruptedIOException;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * OkHttp 4's objects (Kotlin classes), real ones, read through method handles: what the woven
 * {@code RealCall.getResponseWithInterceptorChain} passes to {@link Hooks#okHttpExit}.
 */
class OkHttpAccessorTest {
  private static Request post(String url) {
    return new Request.Builder()
        .url(url)
        .post(RequestBody.create("{}", MediaType.get("application/json")))
        .build();
  }

  private static Response response(Request request, int code) {
    return new Response.Builder()
        .request(request)
        .protocol(Protocol.HTTP_1_1)
        .code(code)
        .message("status " + code)
        .build();
  }

  private static ClientCall read(Request request, Response response) throws Throwable {
    OkHttpAccessor accessor = OkHttpAccessor.of(request);
    assertThat(accessor).isNotNull();
    return accessor.read(request, response);
  }

  @Test
  void theRequestsUrlAndMethodAndTheResponseCodeAreRead() throws Throwable {
    Request request = post("https://Api.Example/v1/orders");

    assertThat(read(request, response(request, 404)))
        .as("OkHttp's URL lower-cases the host and names the scheme's port")
        .isEqualTo(new ClientCall("POST", "https", "api.example", 443, 404));
    assertThat(read(post("http://stock.internal:9000/items"), null))
        .isEqualTo(new ClientCall("POST", "http", "stock.internal", 9000, 0));
  }

  @Test
  void theRealCallsResponseIsRead() throws Throwable {
    OkHttpClient client = new OkHttpClient();
    try (StatusServer server = new StatusServer()) {
      Request request = new Request.Builder().url(server.url(201)).build();
      try (Response response = client.newCall(request).execute()) {
        assertThat(read(request, response))
            .isEqualTo(new ClientCall("GET", "http", "127.0.0.1", server.port(), 201));
      }
    } finally {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  @Test
  void theHookRecordsTheCallAsTheClientsMetric() {
    try (InstalledRecorder recorder = new InstalledRecorder()) {
      Request request = post("https://Api.Example/v1/orders");
      Hooks.okHttpExit(Hooks.clientEnter(), request, response(request, 409), null);
      Hooks.okHttpExit(
          Hooks.clientEnter(),
          post("http://stock.internal:9000/items"),
          null,
          new InterruptedIOException("timeout"));

      assertThat(recorder.scrape())
          .hasHistogram(CLIENT_DURATION)
          .withLabels(
              "http_request_method", "POST",
              "server_address", "api.example",
              "server_port", "443",
              "http_response_status_code", "409",
              "error_type", "409")
          .hasCount(1);
      assertThat(recorder.scrape())
          .hasHistogram(CLIENT_DURATION)
          .withLabels(
              "http_request_method", "POST",
              "server_address", "stock.internal",
              "server_port", "9000",
              "http_response_status_code", "",
              "error_type", "java.io.InterruptedIOException")
          .hasCount(1);
      assertThat(recorder.errors.count("http-client")).isZero();
    }
  }
}
