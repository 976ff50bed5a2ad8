package io.opspulse.agent.core;

import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The JDBC connection pools seen as they start (HikariCP, Tomcat JDBC, Commons DBCP2, Agroal), read
 * at each collection until they are closed. The agent cannot link against the application's pool
 * library (any version, in any class loader), so it reads each pool through its public methods by
 * name: the one place where reflection stands in for a type.
 *
 * <p>Pools are held weakly and nothing here refers to a pool strongly: HikariCP's data source is
 * its own config and holds its pool, so a registry value holding the config (as it once did) kept
 * every pool, closed or dropped, reported for ever. A pool leaves when its close method runs, or
 * when it is collected.
 */
final class ConnectionPools {
  record Snapshot(String pool, long used, long idle, long pending, long max) {}

  /** How one library's pool is named and read. Method paths are public, no-argument getters. */
  enum Library {
    HIKARI(
        "com.zaxxer.hikari.pool.HikariPool",
        "getActiveConnections",
        "getIdleConnections",
        "getThreadsAwaitingConnection",
        "getMaximumPoolSize",
        null),
    TOMCAT_JDBC(
        "org.apache.tomcat.jdbc.pool.ConnectionPool",
        "getActive",
        "getIdle",
        "getWaitCount",
        "getPoolProperties.getMaxActive",
        "isClosed"),
    DBCP2(
        "org.apache.commons.dbcp2.BasicDataSource",
        "getNumActive",
        "getNumIdle",
        "getConnectionPool.getNumWaiters",
        "getMaxTotal",
        "isClosed"),
    AGROAL(
        "io.agroal.pool.ConnectionPool",
        "activeCount",
        "availableCount",
        "awaitingCount",
        "getConfiguration.maxSize",
        null);

    /**
     * The class the advice is in, which is the pool object (DBCP2: the data source that owns the
     * pool).
     */
    final String poolClass;

    private final String used;
    private final String idle;
    private final String pending;

    /**
     * Read from the config object for HikariCP (a runtime-tunable setting), from the pool
     * otherwise.
     */
    private final String max;

    private final @Nullable String closed;

    Library(
        String poolClass,
        String used,
        String idle,
        String pending,
        String max,
        @Nullable String closed) {
      this.poolClass = poolClass;
      this.used = used;
      this.idle = idle;
      this.pending = pending;
      this.max = max;
      this.closed = closed;
    }

    static Library of(String poolClass) {
      for (Library l : values()) {
        if (l.poolClass.equals(poolClass)) {
          return l;
        }
      }
      throw new IllegalArgumentException("no connection pool library has the class " + poolClass);
    }

    String key() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** The config is held weakly too: HikariCP's may be the data source, which holds the pool. */
  private record Pool(String name, Library library, @Nullable WeakReference<Object> config) {}

  private final WeakIdentityMap<Object, Pool> pools = new WeakIdentityMap<>();
  private int unnamed;

  /**
   * A HikariCP pool constructed with {@code config} (its HikariConfig, often the HikariDataSource
   * itself).
   */
  void created(Object pool, Object config) throws ReflectiveOperationException {
    String name = String.valueOf(call(config, "getPoolName"));
    pools.put(pool, new Pool(name, Library.HIKARI, new WeakReference<>(config)));
  }

  /**
   * A pool of another library started, named by its class ({@link Library#poolClass}); seen again
   * (DBCP2 reports every borrow) it keeps its first name.
   */
  void opened(String poolClass, Object pool) throws ReflectiveOperationException {
    if (pools.get(pool) != null) {
      return;
    }
    Library l = Library.of(poolClass);
    pools.putIfAbsent(pool, new Pool(nameOf(l, pool), l, null));
  }

  void closed(Object pool) {
    pools.remove(pool);
  }

  /** The name of a pool seen at its start, or null for one started before the agent was ready. */
  @Nullable String nameOf(Object pool) {
    Pool known = pools.get(pool);
    return known == null ? null : known.name();
  }

  /** The open pools; a pool that cannot be read is reported to {@code onError} and left out. */
  List<Snapshot> snapshot(Consumer<Exception> onError) {
    List<Snapshot> out = new ArrayList<>();
    List<Object> closedNow = new ArrayList<>();
    pools.forEach(
        (pool, p) -> {
          try {
            Library l = p.library();
            if (l.closed != null && Boolean.TRUE.equals(path(pool, l.closed))) {
              closedNow.add(pool);
              return;
            }
            Object maxFrom = pool;
            if (p.config() != null) {
              maxFrom = p.config().get();
              if (maxFrom == null) {
                return; // the pool is going too
              }
            }
            out.add(
                new Snapshot(
                    p.name(),
                    number(pool, l.used),
                    number(pool, l.idle),
                    number(pool, l.pending),
                    number(maxFrom, l.max)));
          } catch (ReflectiveOperationException | RuntimeException e) {
            onError.accept(e);
          }
        });
    closedNow.forEach(pools::remove);
    return out;
  }

  /** Entries held, closed or collected ones included until they are dropped (for tests). */
  int held() {
    pools.expunge();
    return pools.size();
  }

  private String nameOf(Library library, Object pool) throws ReflectiveOperationException {
    String name =
        switch (library) {
          case TOMCAT_JDBC -> (String) call(pool, "getName");
          case DBCP2 -> {
            String jmx = (String) call(pool, "getJmxName");
            yield jmx != null && !jmx.isBlank() ? jmx : fromUrl((String) call(pool, "getUrl"));
          }
          case AGROAL ->
              fromUrl(
                  (String) path(pool, "getConfiguration.connectionFactoryConfiguration.jdbcUrl"));
          case HIKARI ->
              throw new IllegalArgumentException("HikariCP pools are named by their config");
        };
    if (name == null || name.isBlank()) {
      synchronized (this) {
        return library.key() + "-" + ++unnamed;
      }
    }
    return name;
  }

  /**
   * A pool without a name of its own is named after its database, as the semantic conventions
   * advise: the JDBC URL without {@code jdbc:}, credentials and parameters ({@code
   * postgresql://db:5432/shop}).
   */
  static @Nullable String fromUrl(@Nullable String url) {
    if (url == null) {
      return null;
    }
    String s = url.startsWith("jdbc:") ? url.substring(5) : url;
    int cut = s.length();
    for (char c : new char[] {'?', ';', '&'}) {
      int i = s.indexOf(c);
      if (i >= 0 && i < cut) {
        cut = i;
      }
    }
    s = s.substring(0, cut);
    int slashes = s.indexOf("//");
    int at = s.indexOf('@', Math.max(slashes, 0));
    if (slashes >= 0 && at > slashes) {
      s = s.substring(0, slashes + 2) + s.substring(at + 1);
    }
    return s;
  }

  private static long number(Object target, String path) throws ReflectiveOperationException {
    Object v = path(target, path);
    if (v instanceof Number n) {
      return n.longValue();
    }
    throw new IllegalStateException(target.getClass().getName() + "." + path + " returned " + v);
  }

  /** Follows a dotted chain of getters: {@code getPoolProperties.getMaxActive}. */
  private static @Nullable Object path(Object target, String path)
      throws ReflectiveOperationException {
    Object current = target;
    for (String method : path.split("\\.")) {
      if (current == null) {
        return null;
      }
      current = call(current, method);
    }
    return current;
  }

  private static @Nullable Object call(Object target, String method)
      throws ReflectiveOperationException {
    return Objects.requireNonNull(
            publicMethod(target.getClass(), method), "a known getter of this library")
        .invoke(target);
  }

  /**
   * The method as declared by a public type: an implementation class may be package-private
   * (Agroal's configuration), and invoking through it would be refused.
   */
  private static @Nullable Method publicMethod(Class<?> type, String name)
      throws NoSuchMethodException {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      Method m = declaredPublic(c, name);
      if (m != null) {
        return m;
      }
      for (Class<?> i : c.getInterfaces()) {
        Method fromInterface = publicMethod(i, name, 0);
        if (fromInterface != null) {
          return fromInterface;
        }
      }
    }
    throw new NoSuchMethodException(type.getName() + "." + name + "() in a public type");
  }

  private static @Nullable Method publicMethod(Class<?> iface, String name, int depth) {
    Method m = declaredPublic(iface, name);
    if (m != null || depth > 8) {
      return m;
    }
    for (Class<?> parent : iface.getInterfaces()) {
      Method found = publicMethod(parent, name, depth + 1);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static @Nullable Method declaredPublic(Class<?> c, String name) {
    if (!Modifier.isPublic(c.getModifiers())) {
      return null;
    }
    try {
      Method m = c.getDeclaredMethod(name);
      return Modifier.isPublic(m.getModifiers()) ? m : null;
    } catch (NoSuchMethodException e) {
      return null;
    }
  }
}
