package io.opspulse.lab.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo service's "inventory" dependency, served from the lab's own JVM on 127.0.0.1: it fails a
 * known share of calls, {@link #FAILING_OUT_OF_TEN} in ten, with a 500, deterministically (by call
 * count).
 */
public final class FlakyDependency implements AutoCloseable {
  public static final int FAILING_OUT_OF_TEN = 3;

  private final HttpServer server;
  private final AtomicLong calls = new AtomicLong();

  private FlakyDependency(HttpServer server) {
    this.server = server;
  }

  public static FlakyDependency start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    FlakyDependency dep = new FlakyDependency(server);
    server.setExecutor(
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "lab-inventory");
              t.setDaemon(true);
              return t;
            }));
    server.createContext(
        "/inventory",
        ex -> {
          boolean fail = dep.calls.getAndIncrement() % 10 < FAILING_OUT_OF_TEN;
          byte[] body =
              (fail ? "inventory backend overloaded" : "{\"in_stock\":true}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(fail ? 500 : 200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return dep;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public long calls() {
    return calls.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
