package io.opspulse.agent.core;

import static io.opspulse.agent.core.InstalledRecorder.HTTP_SERVER;
import static io.opspulse.testkit.exposition.ExpositionAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.opspulse.agent.bootstrap.Hooks;
import io.opspulse.testapp.FixedResponse;
import io.opspulse.testkit.exposition.Exposition;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JDK HttpServer's hooks on a real server: a filter makes around the rest of the chain exactly
 * the calls the agent weaves into {@code Filter.Chain.doFilter}, and the recorder reads the real
 * exchanges.
 */
class JdkHttpServerHooksTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final InstalledRecorder agent = new InstalledRecorder();
  private final ExecutorService executor = Executors.newCachedThreadPool();

  /** Released once per exchange whose woven exit has run. */
  private final Semaphore handled = new Semaphore(0);

  private HttpServer server;

  /** The calls the agent weaves into {@code Filter.Chain.doFilter(exchange)}. */
  private static final Filter WOVEN =
      new Filter() {
        @Override
        public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
          long start = Hooks.httpHandlerEnter(exchange);
          Throwable thrown = null;
          try {
            chain.doFilter(exchange);
          } catch (Throwable t) {
            thrown = t;
            throw t;
          } finally {
            Hooks.httpHandlerExit(start, exchange, thrown);
          }
        }

        @Override
        public String description() {
          return "the agent's woven enter and exit";
        }
      };

  private final Filter countHandled =
      new Filter() {
        @Override
        public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
          try {
            chain.doFilter(exchange);
          } finally {
            handled.release();
          }
        }

        @Override
        public String description() {
          return "counts the exchanges whose woven exit ran";
        }
      };

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    // More than one thread: a keep-alive connection's next request runs beside a lingering handler.
    server.setExecutor(executor);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    executor.shutdownNow();
    agent.close();
  }

  private void context(String path, HttpHandler handler) {
    List<Filter> filters = server.createContext(path, handler).getFilters();
    filters.add(countHandled);
    filters.add(WOVEN);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private int send(String method, String path) throws Exception {
    return CLIENT
        .send(
            HttpRequest.newBuilder(URI.create(url(path)))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** The metrics once {@code exchanges} exchanges have been through the woven exit. */
  private Exposition afterHandled(int exchanges) throws InterruptedException {
    assertThat(handled.tryAcquire(exchanges, 30, TimeUnit.SECONDS))
        .as("%d exchanges handled", exchanges)
        .isTrue();
    assertThat(agent.errors.count("http-server")).as("errors reading exchanges").isZero();
    return agent.scrape();
  }

  @Test
  void theRouteIsTheContextTheApplicationRegistered() throws Exception {
    context("/hello", new FixedResponse(200, "hello"));
    context("/fail", new FixedResponse(503, "unavailable"));
    context("/", new FixedResponse(404, "no such page"));

    assertThat(send("GET", "/hello")).isEqualTo(200);
    assertThat(send("POST", "/fail")).isEqualTo(503);
    assertThat(send("GET", "/")).isEqualTo(404);
    assertThat(send("GET", "/nothing/here")).isEqualTo(404);

    Exposition metrics = afterHandled(4);
    assertThat(metrics)
        .hasHistogram(HTTP_SERVER)
        .hasSeriesCount(4)
        .withLabels(
            "http_route",
            "/hello",
            "http_request_method",
            "GET",
            "url_scheme",
            "http",
            "http_response_status_code",
            "200",
            "error_type",
            "")
        .hasCount(1);
    assertThat(metrics)
        .hasHistogram(HTTP_SERVER)
        .withLabels(
            "http_route",
            "/fail",
            "http_request_method",
            "POST",
            "http_response_status_code",
            "503",
            "error_type",
            "503")
        .hasCount(1);
    // The context "/" names the path "/" itself, and no route for the other paths it catches.
    assertThat(metrics)
        .hasHistogram(HTTP_SERVER)
        .withLabels("http_route", "/", "http_response_status_code", "404")
        .hasCount(1);
    assertThat(metrics)
        .hasHistogram(HTTP_SERVER)
        .withLabels("http_route", "", "http_response_status_code", "404")
        .hasCount(1);
  }

  @Test
  void anExceptionFromTheHandlerIsTheErrorAndA500() throws Exception {
    context(
        "/boom",
        new FixedResponse(
            200,
            "answered",
            () -> {
              throw new IllegalStateException("boom after the response");
            }));

    assertThat(send("GET", "/boom")).isEqualTo(200);

    assertThat(afterHandled(1))
        .hasHistogram(HTTP_SERVER)
        .withLabels(
            "http_route",
            "/boom",
            "http_response_status_code",
            "500",
            "error_type",
            "java.lang.IllegalStateException")
        .hasCount(1);
  }

  @Test
  void theAgentsOwnEndpointIsNotMeasured() throws Exception {
    // A handler of the agent's packages (this test's own lambda is one), as its /metrics handler.
    context("/metrics", exchange -> new FixedResponse(200, "metrics").handle(exchange));
    context("/hello", new FixedResponse(200, "hello"));

    assertThat(send("GET", "/metrics")).isEqualTo(200);
    assertThat(send("GET", "/hello")).isEqualTo(200);

    Exposition metrics = afterHandled(2);
    assertThat(metrics).hasHistogram(HTTP_SERVER).hasSeriesCount(1);
    assertThat(metrics).hasHistogram(HTTP_SERVER).withLabels("http_route", "/hello").hasCount(1);
  }

  /**
   * The JDK keeps the context on the connection: once a response was sent, a keep-alive client's
   * next request replaces it while the first handler still runs. The route is the one read when the
   * first exchange began.
   */
  @Test
  void aKeepAliveConnectionsNextRequestDoesNotRenameTheOneStillRunning() throws Exception {
    CountDownLatch nextRan = new CountDownLatch(1);
    AtomicBoolean overlapped = new AtomicBoolean();
    context(
        "/linger",
        new FixedResponse(
            200,
            "answered",
            () -> {
              try {
                overlapped.set(nextRan.await(30, TimeUnit.SECONDS));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }));
    context("/after-linger", new FixedResponse(200, "next", nextRan::countDown));

    assertThat(keepAliveGets("/linger", "/after-linger"))
        .containsExactly("HTTP/1.1 200 OK", "HTTP/1.1 200 OK");

    Exposition metrics = afterHandled(2);
    assertThat(overlapped).as("the next request ran while the first handler lingered").isTrue();
    assertThat(metrics).hasHistogram(HTTP_SERVER).withLabels("http_route", "/linger").hasCount(1);
    assertThat(metrics)
        .hasHistogram(HTTP_SERVER)
        .withLabels("http_route", "/after-linger")
        .hasCount(1);
  }

  /** GETs on one keep-alive connection, each sent once the previous response was read. */
  private List<String> keepAliveGets(String... paths) throws IOException {
    List<String> statuses = new ArrayList<>();
    try (Socket socket = new Socket("127.0.0.1", server.getAddress().getPort())) {
      socket.setSoTimeout(30_000);
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      for (String path : paths) {
        socket
            .getOutputStream()
            .write(
                ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        statuses.add(readLine(in));
        long length = 0;
        for (String header = readLine(in); !header.isEmpty(); header = readLine(in)) {
          if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            length = Long.parseLong(header.substring("content-length:".length()).trim());
          }
        }
        in.skipNBytes(length);
      }
    }
    return statuses;
  }

  private static String readLine(DataInputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed after '" + line + "'");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }
}
