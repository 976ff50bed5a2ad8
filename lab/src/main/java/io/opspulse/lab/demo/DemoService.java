package io.opspulse.lab.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.devtools.restart.classloader.RestartClassLoader;

/**
 * The lab's JVM service, run under the opspulse agent: report 000's and 004's backend in miniature.
 * Plain JDK HTTP server, java.net.http client, HikariCP over H2, a ThreadPoolExecutor; nothing in
 * it knows about metrics. Its faults are built in and known:
 *
 * <ul>
 *   <li>{@code /api/orders} calls the inventory dependency (which fails 30% of calls) and answers
 *       503 when it fails, else reads an order and its lines (one statement per line: an N+1);
 *   <li>{@code /api/search} runs a 150 ms query through a pool of 2 connections, so callers queue;
 *   <li>{@code /api/reports} hands work to a 2-thread pool that is fed faster than it drains;
 *   <li>a "file watcher" builds a new DevTools restart class loader every few seconds (a reload
 *       loop).
 * </ul>
 *
 * Usage: {@code DemoService PORT DEPENDENCY_URL} or {@code DemoService --crash-on-start}.
 */
public final class DemoService {
  static final int SEARCH_QUERY_MILLIS = 150;
  static final Duration RELOAD_EVERY = Duration.ofSeconds(4);

  private final HikariDataSource db;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final URI inventory;
  private final ThreadPoolExecutor reports =
      new ThreadPoolExecutor(
          2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(20_000), named("report-worker"));

  private DemoService(URI inventory) throws SQLException {
    this.inventory = inventory;
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1");
    config.setUsername("sa");
    config.setPoolName("orders-db");
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(2);
    config.setConnectionTimeout(20_000);
    this.db = new HikariDataSource(config);
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE ALIAS IF NOT EXISTS PAUSE FOR 'io.opspulse.lab.demo.DemoService.pause'");
      s.execute("CREATE TABLE IF NOT EXISTS orders(id INT PRIMARY KEY, customer VARCHAR(64))");
      s.execute("CREATE TABLE IF NOT EXISTS order_lines(order_id INT, line INT, sku VARCHAR(32))");
      for (int i = 1; i <= 50; i++) {
        s.execute("MERGE INTO orders KEY(id) VALUES (" + i + ", 'customer-" + i + "')");
        for (int l = 1; l <= 3; l++) {
          s.execute(
              "INSERT INTO order_lines VALUES (" + i + ", " + l + ", 'sku-" + (i * 10 + l) + "')");
        }
      }
    }
  }

  /** Called by H2 for {@code PAUSE(ms)}: a slow query without a slow database. */
  public static int pause(int millis) throws InterruptedException {
    Thread.sleep(millis);
    return millis;
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--crash-on-start")) {
      // As the backend of report 003: it dies at start on a missing module, and is started again.
      System.err.println(
          "demo-service: cannot start: module 'agents.core' not found (simulated crash at start)");
      System.exit(3);
    }
    int port = Integer.parseInt(args[0]);
    DemoService service = new DemoService(URI.create(args[1]));
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
    server.setExecutor(Executors.newFixedThreadPool(16, named("http-worker")));
    server.createContext("/api/orders", service::orders);
    server.createContext("/api/search", service::search);
    server.createContext("/api/reports", service::report);
    server.createContext("/health", ex -> respond(ex, 200, "ok"));
    server.start();
    service.startReloadLoop();
    System.out.println("demo-service: serving on 127.0.0.1:" + port + ", dependency " + args[1]);
  }

  private void orders(HttpExchange ex) throws IOException {
    int id = 1 + (int) (Math.random() * 50);
    HttpResponse<String> dep;
    try {
      dep =
          client.send(
              HttpRequest.newBuilder(inventory.resolve("/inventory/" + id))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      respond(ex, 503, "inventory unreachable: " + e);
      return;
    }
    if (dep.statusCode() >= 500) {
      respond(ex, 503, "inventory unavailable: " + dep.statusCode());
      return;
    }
    try (Connection c = db.getConnection()) {
      StringBuilder body = new StringBuilder();
      try (PreparedStatement order =
          c.prepareStatement("SELECT customer FROM orders WHERE id = ?")) {
        order.setInt(1, id);
        try (ResultSet rs = order.executeQuery()) {
          body.append(rs.next() ? rs.getString(1) : "?");
        }
      }
      for (int line = 1; line <= 3; line++) { // one query per line: the N+1 the dashboards show
        try (PreparedStatement ps =
            c.prepareStatement("SELECT sku FROM order_lines WHERE order_id = ? AND line = ?")) {
          ps.setInt(1, id);
          ps.setInt(2, line);
          try (ResultSet rs = ps.executeQuery()) {
            body.append(' ').append(rs.next() ? rs.getString(1) : "-");
          }
        }
      }
      respond(ex, 200, body.toString());
    } catch (SQLException e) {
      respond(ex, 500, e.toString());
    }
  }

  private void search(HttpExchange ex) throws IOException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT PAUSE(" + SEARCH_QUERY_MILLIS + ")")) {
        rs.next();
      }
      respond(ex, 200, "found");
    } catch (SQLException e) {
      respond(ex, 500, e.toString());
    }
  }

  private void report(HttpExchange ex) throws IOException {
    try {
      reports.execute(
          () -> {
            try {
              Thread.sleep(1000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      respond(ex, 202, "queued: " + reports.getQueue().size());
    } catch (RejectedExecutionException e) {
      respond(ex, 429, "report queue full");
    }
  }

  private void startReloadLoop() {
    Thread watcher =
        new Thread(
            () -> {
              List<RestartClassLoader> generations = new ArrayList<>();
              URL[] app = {DemoService.class.getProtectionDomain().getCodeSource().getLocation()};
              while (!Thread.currentThread().isInterrupted()) {
                // "WatchFiles detected changes... Reloading": a new application class loader each
                // time.
                generations.add(new RestartClassLoader(DemoService.class.getClassLoader(), app));
                if (generations.size() > 4) {
                  generations.remove(0);
                }
                try {
                  Thread.sleep(RELOAD_EVERY.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "file-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
