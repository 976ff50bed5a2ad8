package io.opspulse.testapp;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;

/**
 * A Vert.x 5 HTTP server on its core API alone (no router): {@code /owners/N} answers on the event
 * loop, {@code /slow} after a timer (the response ends on a later event), {@code /fail} with a 500,
 * anything else a 404. Usage: VertxApp port. Prints READY when it serves.
 */
public final class VertxApp {
  private VertxApp() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    vertx
        .createHttpServer()
        .requestHandler(request -> handle(vertx, request))
        .listen(port, "127.0.0.1")
        .await(30, TimeUnit.SECONDS);
    System.out.println("READY");
  }

  private static void handle(Vertx vertx, HttpServerRequest request) {
    String path = request.path();
    if (path.startsWith("/owners/")) {
      request.response().end("owner " + path.substring("/owners/".length()));
    } else if (path.equals("/slow")) {
      vertx.setTimer(200, id -> request.response().end("slow"));
    } else if (path.equals("/fail")) {
      request.response().setStatusCode(500).end("failed");
    } else {
      request.response().setStatusCode(404).end();
    }
  }
}
