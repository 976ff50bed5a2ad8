package io.opspulse.testapp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
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
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One JVM serving every scenario the agent's integration tests drive: a com.sun.net.httpserver app,
 * a Jetty 12 ee10 (jakarta.servlet) and a Jetty 12 ee8 (javax.servlet) app, HTTP client calls to a
 * dependency the test runs, a saturated bounded executor, and JDBC through HikariCP on H2 with an
 * N+1 loop. Usage: ScenarioApp httpPort jakartaPort javaxPort. Prints READY when it serves.
 */
public final class ScenarioApp {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static volatile CountDownLatch release = new CountDownLatch(0);
  private static volatile ThreadPoolExecutor orders;
  private static volatile java.util.concurrent.ForkJoinPool search;
  private static HikariDataSource dataSource;
  private static final List<Object> brokenPools = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** An executor subclass that breaks an accessor the agent reads: the agent must contain that. */
  static final class BrokenPool extends ThreadPoolExecutor {
    BrokenPool() {
      super(
          1,
          1,
          1,
          TimeUnit.MINUTES,
          new java.util.concurrent.LinkedBlockingQueue<>(),
          r -> new Thread(r, "broken-pool-1"));
    }

    @Override
    public java.util.concurrent.BlockingQueue<Runnable> getQueue() {
      throw new UnsupportedOperationException("this pool hides its queue");
    }
  }

  /** Two daemon threads, each holding one lock and waiting for the other's. */
  static void deadlock() {
    Object a = new Object();
    Object b = new Object();
    CountDownLatch bothHold = new CountDownLatch(2);
    Thread t1 = new Thread(() -> lockBoth(a, b, bothHold), "deadlock-1");
    Thread t2 = new Thread(() -> lockBoth(b, a, bothHold), "deadlock-2");
    t1.setDaemon(true);
    t2.setDaemon(true);
    t1.start();
    t2.start();
  }

  private static void lockBoth(Object first, Object second, CountDownLatch bothHold) {
    synchronized (first) {
      bothHold.countDown();
      try {
        bothHold.await();
      } catch (InterruptedException e) {
        return;
      }
      synchronized (second) {
        System.out.println("unreachable");
      }
    }
  }

  private ScenarioApp() {}

  public static void main(String[] args) throws Exception {
    int httpPort = Integer.parseInt(args[0]);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", httpPort), 50);
    server.createContext("/hello", ex -> respond(ex, 200, "hello"));
    server.createContext("/fail", ex -> respond(ex, 503, "unavailable"));
    // Answers, then lingers in the handler: the client's next request on the connection runs
    // meanwhile.
    server.createContext(
        "/linger",
        ex -> {
          respond(ex, 200, "answered");
          try {
            Thread.sleep(300);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    server.createContext("/after-linger", ex -> respond(ex, 200, "next"));
    server.createContext(
        "/boom",
        ex -> {
          throw new IllegalStateException("boom");
        });
    server.createContext("/", ex -> respond(ex, 404, "no such page"));
    server.createContext("/call", ScenarioApp::call);
    server.createContext("/saturate", ScenarioApp::saturate);
    server.createContext(
        "/release",
        ex -> {
          release.countDown();
          respond(ex, 200, "released");
        });
    server.createContext("/orders", ScenarioApp::orders);
    server.createContext("/bad-sql", ScenarioApp::badSql);
    server.createContext(
        "/deadlock",
        ex -> {
          deadlock();
          respond(ex, 200, "two threads deadlocked");
        });
    server.createContext(
        "/gc",
        ex -> {
          System.gc();
          respond(ex, 200, "collected");
        });
    server.createContext(
        "/broken-pool",
        ex -> {
          BrokenPool pool = new BrokenPool();
          pool.execute(() -> {});
          pool.shutdown();
          brokenPools.add(pool);
          respond(ex, 200, "a pool whose getQueue() throws");
        });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    if (args.length > 1) {
      JettyApps.startJakarta(Integer.parseInt(args[1]));
    }
    if (args.length > 2) {
      JettyApps.startJavax(Integer.parseInt(args[2]));
    }
    System.out.println("READY");
  }

  static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  static Map<String, String> query(HttpExchange ex) {
    Map<String, String> q = new java.util.HashMap<>();
    String raw = ex.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int eq = kv.indexOf('=');
        q.put(
            kv.substring(0, eq),
            java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return q;
  }

  /**
   * /call?client=jdk|jdk-async|urlconnection&target=http://host:port/dep&n=10&fail=3: n calls, the
   * first {@code fail} of them asking the dependency to fail (it answers 503 to ?fail=1).
   */
  static void call(HttpExchange ex) throws IOException {
    Map<String, String> q = query(ex);
    int n = Integer.parseInt(q.get("n"));
    int fail = Integer.parseInt(q.get("fail"));
    String client = q.get("client");
    List<Integer> statuses = new ArrayList<>();
    List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      URI uri = URI.create(q.get("target") + "?fail=" + (i < fail ? 1 : 0));
      try {
        switch (client) {
          case "jdk" ->
              statuses.add(
                  CLIENT
                      .send(
                          HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                      .statusCode());
          case "jdk-async" ->
              futures.add(
                  CLIENT.sendAsync(
                      HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
          default -> {
            HttpURLConnection c = (HttpURLConnection) new URL(uri.toString()).openConnection();
            int code = c.getResponseCode();
            try (InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
              if (in != null) {
                in.readAllBytes();
              }
            }
            statuses.add(code);
          }
        }
      } catch (IOException | InterruptedException e) {
        statuses.add(-1);
      }
    }
    for (CompletableFuture<HttpResponse<String>> f : futures) {
      statuses.add(f.join().statusCode());
    }
    respond(ex, 200, statuses.toString());
  }

  /**
   * A bounded pool of 2 threads and 5 queue slots: 2 tasks run and block, 5 wait, 3 are rejected.
   */
  static void saturate(HttpExchange ex) throws IOException {
    release = new CountDownLatch(1);
    AtomicInteger threads = new AtomicInteger();
    orders =
        new ThreadPoolExecutor(
            2,
            2,
            1,
            TimeUnit.MINUTES,
            new ArrayBlockingQueue<>(5),
            r -> new Thread(r, "orders-worker-" + threads.incrementAndGet()));
    CountDownLatch running = new CountDownLatch(2);
    int rejected = 0;
    for (int i = 0; i < 10; i++) {
      try {
        orders.execute(
            () -> {
              running.countDown();
              try {
                release.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
      } catch (RejectedExecutionException e) {
        rejected++;
      }
    }
    // A ForkJoinPool of parallelism 3 with five tasks waiting for the same release.
    AtomicInteger searchThreads = new AtomicInteger();
    search =
        new java.util.concurrent.ForkJoinPool(
            3,
            pool -> {
              java.util.concurrent.ForkJoinWorkerThread t =
                  java.util.concurrent.ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(
                      pool);
              t.setName("search-" + searchThreads.incrementAndGet());
              return t;
            },
            null,
            false);
    CountDownLatch searching = new CountDownLatch(1);
    for (int i = 0; i < 5; i++) {
      search.execute(
          () -> {
            searching.countDown();
            try {
              release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    }
    try {
      running.await(10, TimeUnit.SECONDS);
      searching.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    respond(ex, 200, "rejected=" + rejected);
  }

  /** A statement the database rejects. */
  static void badSql(HttpExchange ex) throws IOException {
    try {
      ensureDatabase();
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.executeQuery("SELECT * FROM no_such_table");
      }
      respond(ex, 200, "unexpected");
    } catch (java.sql.SQLException e) {
      respond(ex, 500, e.getClass().getName());
    }
  }

  static void ensureDatabase() throws java.sql.SQLException {
    synchronized (ScenarioApp.class) {
      if (dataSource == null) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1");
        config.setPoolName("orders-db");
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(2);
        dataSource = new HikariDataSource(config);
        try (Connection c = dataSource.getConnection();
            Statement s = c.createStatement()) {
          s.execute("CREATE TABLE orders(id INT PRIMARY KEY)");
          s.execute("CREATE TABLE lines(order_id INT, item VARCHAR(20))");
          s.executeUpdate("INSERT INTO orders VALUES (1),(2),(3),(4),(5)");
          s.executeUpdate("INSERT INTO lines VALUES (1,'a'),(2,'b'),(3,'c'),(4,'d'),(5,'e')");
        }
      }
    }
  }

  /** An N+1 request: one query for the orders, then one per order for its lines. */
  static void orders(HttpExchange ex) throws IOException {
    try {
      ensureDatabase();
      int lines = 0;
      try (Connection c = dataSource.getConnection()) {
        List<Integer> ids = new ArrayList<>();
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT id FROM orders")) {
          while (rs.next()) {
            ids.add(rs.getInt(1));
          }
        }
        for (int id : ids) {
          try (PreparedStatement p =
              c.prepareStatement("SELECT item FROM lines WHERE order_id = ?")) {
            p.setInt(1, id);
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                lines++;
              }
            }
          }
        }
      }
      respond(ex, 200, "lines=" + lines);
    } catch (java.sql.SQLException e) {
      respond(ex, 500, e.toString());
    }
  }
}
