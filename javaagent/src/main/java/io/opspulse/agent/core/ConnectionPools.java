package io.opspulse.agent.core;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * HikariCP pools, seen as they are constructed. The agent cannot link against the application's
 * HikariCP (it may be any version, in any class loader), so it reads the pool through the public
 * HikariPoolMXBean methods by name: the one place where reflection stands in for a type.
 */
final class ConnectionPools {
  record Snapshot(String pool, int active, int idle, int pending, int max) {}

  private record Pool(String name, Object config) {}

  private final Map<Object, Pool> pools = Collections.synchronizedMap(new WeakHashMap<>());

  void created(Object pool, Object config) throws ReflectiveOperationException {
    String name = String.valueOf(call(config, "getPoolName"));
    pools.put(pool, new Pool(name, config));
  }

  /** The name of a pool seen at construction, or null for one created before the agent was ready. */
  String nameOf(Object pool) {
    Pool known = pools.get(pool);
    return known == null ? null : known.name();
  }

  List<Snapshot> snapshot() throws ReflectiveOperationException {
    List<Map.Entry<Object, Pool>> entries;
    synchronized (pools) {
      entries = new ArrayList<>(pools.entrySet());
    }
    List<Snapshot> out = new ArrayList<>();
    for (Map.Entry<Object, Pool> e : entries) {
      Object pool = e.getKey();
      if (pool == null) {
        continue;
      }
      out.add(new Snapshot(e.getValue().name(), (Integer) call(pool, "getActiveConnections"),
          (Integer) call(pool, "getIdleConnections"), (Integer) call(pool, "getThreadsAwaitingConnection"),
          (Integer) call(e.getValue().config(), "getMaximumPoolSize")));
    }
    return out;
  }

  private static Object call(Object target, String method) throws ReflectiveOperationException {
    Method m = target.getClass().getMethod(method);
    return m.invoke(target);
  }
}
