package io.opspulse.agent.core;

import static io.opspulse.agent.core.InstalledRecorder.CLIENT_DURATION;
import static io.opspulse.testkit.exposition.ExpositionAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.agent.bootstrap.Hooks;
import java.lang.reflect.Modifier;
import java.net.ConnectException;
import java.net.URI;
import org.apache.http.HttpHost;
import org.apache.http.HttpResponse;
import org.apache.http.HttpVersion;
import org.apache.http.RequestLine;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPut;
import org.apache.http.message.BasicHttpRequest;
import org.apache.http.message.BasicHttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Apache HttpClient 4's objects, real ones, read through method handles on httpcore's API: what the
 * woven {@code doExecute} passes to {@link Hooks#apacheClient4Exit}.
 */
class ApacheClient4AccessorTest {
  private static ClientCall read(Object target, Object request, Object response) throws Throwable {
    ApacheClient4Accessor accessor = ApacheClient4Accessor.of(target, request, response);
    assertThat(accessor).isNotNull();
    return accessor.read(target, request, response);
  }

  @Test
  void theTargetHostNamesTheServerTheRequestLineTheMethodTheStatusLineTheStatus() throws Throwable {
    HttpHost target = new HttpHost("Api.Example", 8443, "https");
    HttpPut request = new HttpPut("http://elsewhere.example/orders");
    HttpResponse response = new BasicHttpResponse(HttpVersion.HTTP_1_1, 201, "Created");

    assertThat(read(target, request, response))
        .isEqualTo(new ClientCall("PUT", "https", "Api.Example", 8443, 201));
  }

  @Test
  void withoutATargetTheRequestsUriNamesTheServerAndNoResponseIsStatusZero() throws Throwable {
    HttpGet request = new HttpGet("http://orders.internal:8080/orders?id=1");

    assertThat(read(null, request, null))
        .isEqualTo(new ClientCall("GET", "http", "orders.internal", 8080, 0));
    assertThat(read(null, new HttpGet("https://orders.internal/orders"), null))
        .as("a URI without a port leaves it to the scheme")
        .isEqualTo(new ClientCall("GET", "https", "orders.internal", -1, 0));
  }

  @Test
  void aRequestWithoutUriAndNoTargetNamesNoServer() throws Throwable {
    assertThat(read(null, new BasicHttpRequest("DELETE", "/orders/1"), null))
        .isEqualTo(new ClientCall("DELETE", null, null, -1, 0));
  }

  @Test
  void theApplicationsOwnRequestClassIsReadThroughTheApi() throws Throwable {
    HttpGet request = new HttpGet(URI.create("http://stock.internal:9000/items")) {};
    assertThat(Modifier.isPublic(request.getClass().getModifiers())).isFalse();

    assertThat(read(null, request, null))
        .isEqualTo(new ClientCall("GET", "http", "stock.internal", 9000, 0));
  }

  @Test
  void theHookRecordsTheExchangeAsTheClientsMetric() {
    try (InstalledRecorder recorder = new InstalledRecorder()) {
      Hooks.apacheClient4Exit(
          Hooks.clientEnter(),
          new HttpHost("Api.Example", 8443, "https"),
          new HttpPut("/orders"),
          new BasicHttpResponse(HttpVersion.HTTP_1_1, 201, "Created"),
          null);
      Hooks.apacheClient4Exit(
          Hooks.clientEnter(),
          null,
          new HttpGet("http://stock.internal/items"),
          null,
          new ConnectException("refused"));

      assertThat(recorder.scrape())
          .hasHistogram(CLIENT_DURATION)
          .withLabels(
              "http_request_method", "PUT",
              "server_address", "api.example",
              "server_port", "8443",
              "http_response_status_code", "201",
              "error_type", "")
          .hasCount(1);
      assertThat(recorder.scrape())
          .hasHistogram(CLIENT_DURATION)
          .withLabels(
              "http_request_method", "GET",
              "server_address", "stock.internal",
              "server_port", "80",
              "http_response_status_code", "",
              "error_type", "java.net.ConnectException")
          .hasCount(1);
      assertThat(recorder.errors.count("http-client")).isZero();
    }
  }

  @Test
  void aRequestThatCannotBeReadIsAnAgentErrorAndNoMeasurement() {
    try (InstalledRecorder recorder = new InstalledRecorder()) {
      HttpGet broken =
          new HttpGet("http://stock.internal/items") {
            @Override
            public RequestLine getRequestLine() {
              throw new IllegalStateException("no request line");
            }
          };

      Hooks.apacheClient4Exit(Hooks.clientEnter(), null, broken, null, null);

      assertThat(recorder.errors.count("http-client")).isEqualTo(1);
      assertThat(recorder.scrape()).doesNotHaveSeries(CLIENT_DURATION + "_count");
    }
  }
}
