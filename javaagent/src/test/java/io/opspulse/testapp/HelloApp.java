package io.opspulse.testapp;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** The smallest service: GET /hello on 127.0.0.1:port. Prints READY when it serves. */
public final class HelloApp {
  private HelloApp() {}

  public static void main(String[] args) throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 200);
    server.createContext(
        "/hello",
        ex -> {
          byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.setExecutor(
        java.util.concurrent.Executors.newFixedThreadPool(
            Integer.parseInt(System.getProperty("hello.threads", "4"))));
    server.start();
    System.out.println("READY");
  }
}
