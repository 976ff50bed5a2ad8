package io.opspulse.agent.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every ThreadPoolExecutor created after the agent started, held weakly so that the registry never
 * keeps a pool alive. A pool shows up once its first worker thread runs (that thread's name names the
 * pool); pools sharing a name are summed, which is what a dashboard wants from "the HTTP client pool".
 */
final class ExecutorRegistry {
  private static final StackWalker WALKER = StackWalker.getInstance();
  /** By name: naming the class would load it, and it is loaded only when OTLP export is on. */
  private static final String OTLP_EXPORT = "io.opspulse.agent.core.OtlpExport";

  /** What the registry knows of one pool. */
  static final class PoolInfo {
    final String creator;
    volatile String name;
    final LongAdder rejected = new LongAdder();

    PoolInfo(String creator) {
      this.creator = creator;
    }
  }

  /** The summed state of the pools that share a name. */
  record Snapshot(String pool, long queued, long active, long poolSize, long max, long completed, long rejected) {}

  private final Map<ThreadPoolExecutor, PoolInfo> pools = Collections.synchronizedMap(new WeakHashMap<>());
  /** The agent's own pools, seen at construction and left out. */
  private final Set<Object> ours = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  void created(Object executor) {
    if (!(executor instanceof ThreadPoolExecutor tpe)) {
      return;
    }
    StackWalker.StackFrame[] frames = WALKER.walk(s -> s.limit(40).toArray(StackWalker.StackFrame[]::new));
    for (StackWalker.StackFrame frame : frames) {
      String cls = frame.getClassName();
      if (cls.startsWith("io.opspulse.agent.shaded.") || cls.equals(OTLP_EXPORT)) {
        ours.add(tpe);
        return; // the agent's own pools (the Prometheus endpoint's, the OTLP export's) are not the application's
      }
    }
    pools.putIfAbsent(tpe, new PoolInfo(PoolNames.creator(frames)));
  }

  void workerStarted(Object executor) {
    PoolInfo info = pools.get(executor);
    if (info == null && executor instanceof ThreadPoolExecutor tpe && !ours.contains(tpe)) {
      // Created in the moment before ThreadPoolExecutor was instrumented: its creator is unknown, but its
      // first worker still names it.
      info = pools.computeIfAbsent(tpe, e -> new PoolInfo("unknown"));
    }
    if (info != null && info.name == null) {
      info.name = PoolNames.fromThread(Thread.currentThread().getName(), info.creator);
    }
  }

  void rejected(Object executor) {
    PoolInfo info = pools.get(executor);
    if (info != null) {
      info.rejected.increment();
    }
  }

  /** The pools' state, summed by name; a pool that fails to answer is left out and reported. */
  List<Snapshot> snapshot(java.util.function.Consumer<RuntimeException> failed) {
    List<Map.Entry<ThreadPoolExecutor, PoolInfo>> entries;
    synchronized (pools) {
      entries = new ArrayList<>(pools.entrySet());
    }
    Map<String, long[]> byName = new TreeMap<>();
    for (Map.Entry<ThreadPoolExecutor, PoolInfo> e : entries) {
      ThreadPoolExecutor tpe = e.getKey();
      PoolInfo info = e.getValue();
      if (tpe == null || info.name == null) {
        continue;
      }
      long[] one;
      try {
        one = new long[] {tpe.getQueue().size(), tpe.getActiveCount(), tpe.getPoolSize(),
            tpe.getMaximumPoolSize(), tpe.getCompletedTaskCount(), info.rejected.sum()};
      } catch (RuntimeException ex) {
        failed.accept(ex); // a subclass overriding an accessor badly: skip that pool, keep the others
        continue;
      }
      long[] sum = byName.computeIfAbsent(info.name, n -> new long[6]);
      for (int i = 0; i < sum.length; i++) {
        sum[i] += one[i];
      }
    }
    List<Snapshot> out = new ArrayList<>();
    byName.forEach((name, s) -> out.add(new Snapshot(name, s[0], s[1], s[2], s[3], s[4], s[5])));
    return out;
  }
}
