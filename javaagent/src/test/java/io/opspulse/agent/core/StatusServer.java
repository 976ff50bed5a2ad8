package io.opspulse.agent.core;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A loopback HTTP server for a real client library's exchange: {@code /status/N} answers status N
 * with a short body.
 */
final class StatusServer implements AutoCloseable {
  private final HttpServer server;

  StatusServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    server.createContext(
        "/status/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          int status = Integer.parseInt(path.substring("/status/".length()));
          byte[] body = ("status " + status).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** http://127.0.0.1:port/status/N */
  String url(int status) {
    return "http://127.0.0.1:" + port() + "/status/" + status;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
