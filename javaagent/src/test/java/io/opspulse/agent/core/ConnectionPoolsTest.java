package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.opspulse.testkit.Poll;
import java.lang.ref.WeakReference;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The pool registry against real HikariCP pools on H2 (no agent: the test calls what the advice
 * would).
 */
class ConnectionPoolsTest {

  /**
   * HikariCP's data source is its own HikariConfig and holds its pool: a registry value that refers
   * to the config keeps the pool (its key) reachable, and a WeakHashMap then never lets it go.
   */
  @Test
  void aClosedAndDroppedHikariPoolIsNotKeptAliveByTheRegistry() throws Exception {
    ConnectionPools pools = new ConnectionPools();
    WeakReference<Object> pool = registerAndClose(pools, "dropped-pool");
    Poll.untilTrue(
        "the closed, dropped pool to be collected",
        Duration.ofSeconds(20),
        () -> {
          System.gc();
          return pool.get() == null;
        });
  }

  private static WeakReference<Object> registerAndClose(ConnectionPools pools, String name)
      throws Exception {
    HikariDataSource ds = dataSource(name);
    Object hikariPool = ds.getHikariPoolMXBean();
    pools.created(hikariPool, ds);
    assertThat(pools.nameOf(hikariPool)).isEqualTo(name);
    ds.close();
    return new WeakReference<>(hikariPool);
  }

  @Test
  void aClosedPoolLeavesTheSnapshotAtOnceAndAnOpenOneIsRead() throws Exception {
    ConnectionPools pools = new ConnectionPools();
    try (HikariDataSource open = dataSource("open-pool");
        HikariDataSource closing = dataSource("closing-pool")) {
      pools.created(open.getHikariPoolMXBean(), open);
      pools.created(closing.getHikariPoolMXBean(), closing);
      assertThat(
              pools.snapshot(
                  e -> {
                    throw new AssertionError(e);
                  }))
          .extracting(ConnectionPools.Snapshot::pool)
          .containsExactlyInAnyOrder("open-pool", "closing-pool");

      Object closingPool = closing.getHikariPoolMXBean();
      closing.close();
      pools.closed(closingPool); // what the advice on HikariPool.shutdown() does
      assertThat(
              pools.snapshot(
                  e -> {
                    throw new AssertionError(e);
                  }))
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.pool()).isEqualTo("open-pool");
                assertThat(s.max()).isEqualTo(3);
                assertThat(s.used() + s.idle()).isBetween(0L, 3L);
                assertThat(s.pending()).isZero();
              });
      assertThat(pools.held()).isEqualTo(1);
    }
  }

  @Test
  void aPoolWithoutANameIsNamedAfterItsDatabase() {
    assertThat(ConnectionPools.fromUrl("jdbc:postgresql://app:secret@db:5432/shop?ssl=true"))
        .isEqualTo("postgresql://db:5432/shop");
    assertThat(ConnectionPools.fromUrl("jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1"))
        .isEqualTo("h2:mem:orders");
    assertThat(ConnectionPools.fromUrl("jdbc:sqlserver://db:1433;databaseName=shop"))
        .isEqualTo("sqlserver://db:1433");
    assertThat(ConnectionPools.fromUrl(null)).isNull();
  }

  private static HikariDataSource dataSource(String name) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:" + name);
    config.setPoolName(name);
    config.setMaximumPoolSize(3);
    config.setMinimumIdle(1);
    return new HikariDataSource(config);
  }
}
