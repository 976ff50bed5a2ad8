package io.opspulse.rules;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback HTTP server for the Alertmanager test: it serves a fixed exposition text as the
 * metrics of one Docker host's exporter (what the rules read; the alerting path under test is real
 * Prometheus and Alertmanager), and records the webhook notifications Alertmanager delivers, by
 * receiver path.
 */
final class FixtureHttp implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, List<String>> received = new ConcurrentHashMap<>();
  private volatile String metrics = "";

  FixtureHttp() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/metrics",
        exchange -> {
          byte[] body = metrics.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.createContext(
        "/hook/",
        exchange -> {
          String receiver = exchange.getRequestURI().getPath().substring("/hook/".length());
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          received.computeIfAbsent(receiver, r -> new CopyOnWriteArrayList<>()).add(body);
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
  }

  FixtureHttp serving(String exposition) {
    this.metrics = exposition;
    return this;
  }

  String hostPort() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  String hookBase() {
    return "http://" + hostPort() + "/hook";
  }

  /** The JSON bodies of the notifications delivered to {@code receiver} so far. */
  List<String> notifications(String receiver) {
    return new ArrayList<>(received.getOrDefault(receiver, List.of()));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
