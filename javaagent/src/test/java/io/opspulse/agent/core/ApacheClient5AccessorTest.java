package io.opspulse.agent.core;

import static io.opspulse.agent.core.InstalledRecorder.CLIENT_DURATION;
import static io.opspulse.testkit.exposition.ExpositionAssert.assertThat;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.agent.bootstrap.Hooks;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Apache HttpClient 5's objects, real ones, read through method handles on httpcore5's and
 * httpclient5's API: what the woven classic {@code doExecute} passes to {@link
 * Hooks#apacheClient5Exit}, and the async client's {@code executeImmediate} to {@link
 * Hooks#apacheAsyncClient5Enter}.
 */
class ApacheClient5AccessorTest {
  private static ClientCall read(Object target, Object request, Object response) throws Throwable {
    ApacheClient5Accessor accessor = ApacheClient5Accessor.of(target, request, response);
    assertThat(accessor).isNotNull();
    return accessor.read(target, request, response);
  }

  @Test
  void theTargetHostNamesTheServer() throws Throwable {
    HttpHost target = new HttpHost("https", "Api.Example", 8443);
    BasicClassicHttpRequest request = new BasicClassicHttpRequest("POST", "/orders");

    assertThat(read(target, request, new BasicClassicHttpResponse(202)))
        .isEqualTo(new ClientCall("POST", "https", "Api.Example", 8443, 202));
  }

  @Test
  void withoutATargetTheRequestsSchemeAndAuthorityNameTheServer() throws Throwable {
    assertThat(read(null, new HttpGet("http://orders.internal:8080/orders?id=1"), null))
        .isEqualTo(new ClientCall("GET", "http", "orders.internal", 8080, 0));
    assertThat(read(null, new HttpGet("https://orders.internal/orders"), null))
        .as("an authority without a port leaves it to the scheme")
        .isEqualTo(new ClientCall("GET", "https", "orders.internal", -1, 0));
    assertThat(read(null, new BasicClassicHttpRequest("DELETE", "/orders/1"), null))
        .as("a request with a path alone names no server")
        .isEqualTo(new ClientCall("DELETE", null, null, -1, 0));
  }

  @Test
  void theRealClientsResponseIsRead() throws Throwable {
    try (StatusServer server = new StatusServer();
        CloseableHttpClient client = HttpClients.createMinimal()) {
      HttpGet request = new HttpGet(server.url(404));
      try (CloseableHttpResponse response = client.execute(request)) {
        assertThat(read(null, request, response))
            .isEqualTo(new ClientCall("GET", "http", "127.0.0.1", server.port(), 404));
      }
    }
  }

  @Test
  void theClassicHookRecordsTheExchangeAsTheClientsMetric() {
    try (InstalledRecorder recorder = new InstalledRecorder()) {
      Hooks.apacheClient5Exit(
          Hooks.clientEnter(),
          new HttpHost("https", "Api.Example", 8443),
          new BasicClassicHttpRequest("POST", "/orders"),
          new BasicClassicHttpResponse(502),
          null);
      Hooks.apacheClient5Exit(
          Hooks.clientEnter(),
          null,
          new HttpGet("http://stock.internal:9000/items"),
          null,
          new SocketTimeoutException("read timed out"));

      assertThat(recorder.scrape())
          .hasHistogram(CLIENT_DURATION)
          .withLabels(
              "http_request_method", "POST",
              "server_address", "api.example",
              "server_port", "8443",
              "http_response_status_code", "502",
              "error_type", "502")
          .hasCount(1);
      assertThat(recorder.scrape())
          .hasHistogram(CLIENT_DURATION)
          .withLabels(
              "http_request_method", "GET",
              "server_address", "stock.internal",
              "server_port", "9000",
              "http_response_status_code", "",
              "error_type", "java.net.SocketTimeoutException")
          .hasCount(1);
      assertThat(recorder.errors.count("http-client")).isZero();
    }
  }

  /** The exec chain's callback: what the library's own callback saw. */
  static final class LibraryCallback implements AsyncExecCallback {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public AsyncDataConsumer handleResponse(HttpResponse response, EntityDetails entityDetails) {
      calls.add("handleResponse " + response.getCode());
      return null;
    }

    @Override
    public void handleInformationResponse(HttpResponse response) {
      calls.add("handleInformationResponse " + response.getCode());
    }

    @Override
    public void completed() {
      calls.add("completed");
    }

    @Override
    public void failed(Exception cause) {
      calls.add("failed " + cause.getClass().getName());
    }
  }

  /** The exec chain's scope of a real exchange of HttpClient 5's async client. */
  private static AsyncExecChain.Scope realScope;

  @BeforeAll
  static void runARealAsyncExchange() throws Exception {
    List<AsyncExecChain.Scope> scopes = new CopyOnWriteArrayList<>();
    try (StatusServer server = new StatusServer();
        CloseableHttpAsyncClient client =
            HttpAsyncClients.custom()
                .addExecInterceptorFirst(
                    "capture",
                    (request, entityProducer, scope, chain, callback) -> {
                      scopes.add(scope);
                      chain.proceed(request, entityProducer, scope, callback);
                    })
                .build()) {
      client.start();
      SimpleHttpResponse response =
          client.execute(SimpleRequestBuilder.get(server.url(200)).build(), null).get(30, SECONDS);
      assertThat(response.getCode()).isEqualTo(200);
      assertThat(scopes).hasSize(1);
      realScope = scopes.get(0);
      assertThat(realScope.route.getTargetHost())
          .isEqualTo(new HttpHost("http", "127.0.0.1", server.port()));
    }
  }

  /** A scope like the real one, for another route and request. */
  private static AsyncExecChain.Scope scope(HttpRoute route, HttpRequest request) {
    return new AsyncExecChain.Scope(
        "ex-1",
        route,
        request,
        realScope.cancellableDependency,
        realScope.clientContext,
        realScope.execRuntime);
  }

  @Test
  void theAsyncHookReadsTheRealExchangesScope() throws Exception {
    try (InstalledRecorder recorder = new InstalledRecorder()) {
      LibraryCallback callback = new LibraryCallback();
      Object measured =
          Hooks.apacheAsyncClient5Enter(realScope.originalRequest, realScope, callback);

      assertThat(measured).isNotSameAs(callback).isInstanceOf(AsyncExecCallback.class);
      ((AsyncExecCallback) measured).failed(new ConnectException("refused"));
      assertThat(callback.calls).containsExactly("failed java.net.ConnectException");
      HttpHost target = realScope.route.getTargetHost();
      assertThat(recorder.scrape())
          .hasHistogram(CLIENT_DURATION)
          .withLabels(
              "http_request_method", "GET",
              "server_address", "127.0.0.1",
              "server_port", Integer.toString(target.getPort()),
              "http_response_status_code", "",
              "error_type", "java.net.ConnectException")
          .hasCount(1);
    }
  }

  @Test
  void theAsyncHookMeasuresTheExchangeThroughACallbackThatPassesEveryCallOn() throws Exception {
    try (InstalledRecorder recorder = new InstalledRecorder()) {
      BasicHttpRequest request = new BasicHttpRequest("PUT", "/orders/7");
      LibraryCallback callback = new LibraryCallback();

      Object measured =
          Hooks.apacheAsyncClient5Enter(
              request,
              scope(new HttpRoute(new HttpHost("https", "Api.Example", 8443)), request),
              callback);

      assertThat(measured).isNotSameAs(callback).isInstanceOf(AsyncExecCallback.class);
      AsyncExecCallback chain = (AsyncExecCallback) measured;
      chain.handleInformationResponse(new BasicHttpResponse(100));
      chain.handleResponse(new BasicHttpResponse(503), null);
      chain.completed();
      assertThat(callback.calls)
          .containsExactly("handleInformationResponse 100", "handleResponse 503", "completed");
      assertThat(recorder.scrape())
          .hasHistogram(CLIENT_DURATION)
          .withLabels(
              "http_request_method", "PUT",
              "server_address", "api.example",
              "server_port", "8443",
              "http_response_status_code", "503",
              "error_type", "503")
          .hasCount(1);
    }
  }

  @Test
  void theAsyncHookLeavesTheCallbackAloneWhenSomethingIsMissing() {
    BasicHttpRequest request = new BasicHttpRequest("GET", "/");
    AsyncExecChain.Scope scope =
        scope(new HttpRoute(new HttpHost("http", "a.example", 80)), request);
    LibraryCallback callback = new LibraryCallback();

    assertThat(Hooks.apacheAsyncClient5Enter(request, scope, callback))
        .as("no agent")
        .isSameAs(callback);
    try (InstalledRecorder recorder = new InstalledRecorder()) {
      assertThat(Hooks.apacheAsyncClient5Enter(request, null, callback))
          .as("no scope")
          .isSameAs(callback);
      assertThat(Hooks.apacheAsyncClient5Enter(null, scope, callback))
          .as("no request")
          .isSameAs(callback);
      assertThat(Hooks.apacheAsyncClient5Enter(request, scope, null)).as("no callback").isNull();
      assertThat(Hooks.apacheAsyncClient5Enter(request, new Object(), callback))
          .as("a scope of no HttpClient")
          .isSameAs(callback);
      Object notACallback = new Object();
      assertThat(Hooks.apacheAsyncClient5Enter(request, scope, notACallback))
          .as("a callback that is no AsyncExecCallback")
          .isSameAs(notACallback);
      assertThat(recorder.errors.count("http-client")).isZero();
    }
  }
}
