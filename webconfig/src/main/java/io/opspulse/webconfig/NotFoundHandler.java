package io.opspulse.webconfig;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;

/**
 * A default handler that serves nothing: 404 with no body, for every path that is not the metrics
 * path (client_java's {@code HTTPServer.builder().defaultHandler(...)}), so the endpoint has no
 * landing page, no listing and nothing else to probe.
 */
public final class NotFoundHandler implements HttpHandler {
  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.sendResponseHeaders(
          404, -1); // closing the exchange drains or drops any request body
    }
  }
}
