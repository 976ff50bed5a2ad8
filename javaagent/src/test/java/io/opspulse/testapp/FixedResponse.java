package io.opspulse.testapp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A JDK HttpServer handler of an application (outside the agent's packages, whose handlers the
 * agent takes for its own endpoint's): answers a fixed status and body, then runs {@code after},
 * still inside the handler.
 */
public final class FixedResponse implements HttpHandler {
  private final int status;
  private final String body;
  private final Runnable after;

  public FixedResponse(int status, String body, Runnable after) {
    this.status = status;
    this.body = body;
    this.after = after;
  }

  public FixedResponse(int status, String body) {
    this(status, body, () -> {});
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
    after.run();
  }
}
