package io.opspulse.exporter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** "/" says where the metrics are; every other path is 404. Nothing here lists or serves files. */
final class LandingPage implements HttpHandler {
  private final byte[] page;

  LandingPage(String telemetryPath) {
    this.page =
        ("<html><head><title>opspulse exporter</title></head><body><h1>opspulse exporter</h1>"
                + "<p><a href=\""
                + telemetryPath
                + "\">Metrics</a></p></body></html>\n")
            .getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals("/")) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, page.length);
      exchange.getResponseBody().write(page);
    }
  }
}
