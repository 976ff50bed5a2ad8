package io.opspulse.testapp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.commons.dbcp2.BasicDataSource;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.tomcat.jdbc.pool.PoolProperties;

/**
 * The client libraries and connection pools the agent instruments, in one JVM: Apache HttpClient 5
 * (classic and async) and 4 classic, OkHttp 4 (sync and enqueued) and Reactor Netty's HttpClient
 * calling the test's dependency servers, and HikariCP, Tomcat JDBC, Commons DBCP2 and Agroal pools
 * on H2. Usage: LibrariesApp port. Prints READY when it serves.
 *
 * <ul>
 *   <li>{@code
 *       /call?client=hc5|hc5-async|hc4|okhttp|okhttp-async|reactor-netty&target=URL&n=10&fail=3}: n
 *       calls, the first {@code fail} asking the dependency for a 503; answers the statuses seen
 *       (-1 for an exception).
 *   <li>{@code /pools/open}: starts the four pools, runs {@code SELECT 1} on two borrows of each
 *       and keeps the second connection of each borrowed (one used connection per pool).
 *   <li>{@code /pools/close-hikari}: gives back its held connection and closes the HikariCP pool.
 * </ul>
 */
public final class LibrariesApp {
  private static final CloseableHttpClient HC5 = HttpClients.createDefault();
  private static final org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient HC5_ASYNC =
      started(org.apache.hc.client5.http.impl.async.HttpAsyncClients.createDefault());
  private static final org.apache.http.impl.client.CloseableHttpClient HC4 =
      org.apache.http.impl.client.HttpClients.createDefault();
  private static final OkHttpClient OKHTTP =
      new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
  private static final reactor.netty.http.client.HttpClient REACTOR_NETTY =
      reactor.netty.http.client.HttpClient.create();
  private static final List<Connection> held = new ArrayList<>();

  /** Kept, as an application keeps its data sources: the agent holds pools only weakly. */
  private static final List<DataSource> dataSources = new ArrayList<>();

  private static HikariDataSource hikari;

  private LibrariesApp() {}

  private static org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient started(
      org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient client) {
    client.start();
    return client;
  }

  public static void main(String[] args) throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 50);
    server.createContext("/call", LibrariesApp::call);
    server.createContext(
        "/pools/open",
        ex -> {
          try {
            openPools();
            ScenarioApp.respond(ex, 200, "opened");
          } catch (Exception e) {
            ScenarioApp.respond(ex, 500, e.toString());
          }
        });
    server.createContext(
        "/pools/close-hikari",
        ex -> {
          try {
            held.get(0).close(); // HikariCP would wait for it before closing
          } catch (java.sql.SQLException e) {
            ScenarioApp.respond(ex, 500, e.toString());
            return;
          }
          hikari.close();
          ScenarioApp.respond(ex, 200, "closed");
        });
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    System.out.println("READY");
  }

  static void call(HttpExchange ex) throws IOException {
    Map<String, String> q = ScenarioApp.query(ex);
    int n = Integer.parseInt(q.get("n"));
    int fail = Integer.parseInt(q.get("fail"));
    String client = q.get("client");
    List<Integer> statuses = new ArrayList<>();
    CountDownLatch enqueued = new CountDownLatch(client.equals("okhttp-async") ? n : 0);
    for (int i = 0; i < n; i++) {
      URI uri = URI.create(q.get("target") + "?fail=" + (i < fail ? 1 : 0));
      try {
        switch (client) {
          case "hc5" ->
              statuses.add(
                  HC5.execute(
                      new HttpGet(uri),
                      response -> {
                        EntityUtils.consume(response.getEntity());
                        return response.getCode();
                      }));
          case "hc5-async" -> {
            try {
              statuses.add(
                  HC5_ASYNC
                      .execute(
                          org.apache.hc.client5.http.async.methods.SimpleRequestBuilder.get(uri)
                              .build(),
                          null)
                      .get(30, TimeUnit.SECONDS)
                      .getCode());
            } catch (java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
              statuses.add(-1);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              statuses.add(-1);
            }
          }
          case "hc4" ->
              statuses.add(
                  HC4.execute(
                      new org.apache.http.client.methods.HttpGet(uri),
                      response -> {
                        org.apache.http.util.EntityUtils.consume(response.getEntity());
                        return response.getStatusLine().getStatusCode();
                      }));
          case "okhttp" -> {
            try (Response response =
                OKHTTP.newCall(new Request.Builder().url(uri.toString()).build()).execute()) {
              statuses.add(response.code());
            }
          }
          case "okhttp-async" ->
              OKHTTP
                  .newCall(new Request.Builder().url(uri.toString()).build())
                  .enqueue(
                      new Callback() {
                        @Override
                        public void onResponse(Call call, Response response) {
                          response.close();
                          synchronized (statuses) {
                            statuses.add(response.code());
                          }
                          enqueued.countDown();
                        }

                        @Override
                        public void onFailure(Call call, IOException e) {
                          synchronized (statuses) {
                            statuses.add(-1);
                          }
                          enqueued.countDown();
                        }
                      });
          case "reactor-netty" ->
              statuses.add(
                  REACTOR_NETTY
                      .get()
                      .uri(uri.toString())
                      .responseSingle(
                          (response, body) ->
                              body.asString()
                                  .defaultIfEmpty("")
                                  .map(text -> response.status().code()))
                      .block(Duration.ofSeconds(30)));
          default -> throw new IllegalArgumentException(client);
        }
      } catch (IOException e) {
        statuses.add(-1);
      }
    }
    try {
      enqueued.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (statuses) {
      ScenarioApp.respond(ex, 200, statuses.toString());
    }
  }

  static void openPools() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:hikari;DB_CLOSE_DELAY=-1");
    config.setPoolName("closing-hikari");
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(1);
    hikari = new HikariDataSource(config);

    PoolProperties tomcat = new PoolProperties();
    tomcat.setUrl("jdbc:h2:mem:tomcat;DB_CLOSE_DELAY=-1");
    tomcat.setDriverClassName("org.h2.Driver");
    tomcat.setName("tomcat-orders");
    tomcat.setMaxActive(6);
    tomcat.setInitialSize(1);
    tomcat.setMinIdle(1);
    tomcat.setMaxIdle(6);

    BasicDataSource dbcp = new BasicDataSource();
    dbcp.setUrl("jdbc:h2:mem:dbcp;DB_CLOSE_DELAY=-1");
    dbcp.setMaxTotal(7);

    AgroalDataSource agroal =
        AgroalDataSource.from(
            new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(
                    pool ->
                        pool.maxSize(8)
                            .initialSize(1)
                            .minSize(1)
                            .acquisitionTimeout(Duration.ofSeconds(10))
                            .connectionFactoryConfiguration(
                                factory ->
                                    factory.jdbcUrl("jdbc:h2:mem:agroal;DB_CLOSE_DELAY=-1"))));

    dataSources.addAll(
        List.of(hikari, new org.apache.tomcat.jdbc.pool.DataSource(tomcat), dbcp, agroal));
    for (DataSource ds : dataSources) {
      try (Connection c = ds.getConnection()) {
        select(c);
      }
      Connection kept = ds.getConnection();
      select(kept);
      held.add(kept);
    }
  }

  private static void select(Connection c) throws java.sql.SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1")) {
      rs.next();
    }
  }
}
