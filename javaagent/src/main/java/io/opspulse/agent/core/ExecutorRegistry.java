package io.opspulse.agent.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Every thread pool created after the agent started, of the kinds {@link PoolKind} reads (the JDK's
 * ThreadPoolExecutor and ForkJoinPool, Tomcat's, Jetty's and Undertow's (XNIO) request pools), held
 * weakly so that the registry never keeps a pool alive. A pool shows up once it has a name: its
 * first worker thread's (that thread's name names the pool) or, for Jetty's and XNIO's, its own.
 * Pools sharing a name are summed, which is what a dashboard wants from "the HTTP client pool".
 */
final class ExecutorRegistry {
  private static final StackWalker WALKER = StackWalker.getInstance();

  /** By name: naming the class would load it, and it is loaded only when OTLP export is on. */
  private static final String OTLP_EXPORT = "io.opspulse.agent.core.OtlpExport";

  /** What the registry knows of one pool. */
  static final class PoolInfo {
    final PoolKind kind;
    final String creator;
    volatile @Nullable String name;
    final LongAdder rejected = new LongAdder();

    PoolInfo(PoolKind kind, String creator) {
      this.kind = kind;
      this.creator = creator;
    }
  }

  /**
   * The summed state of the pools that share a name; {@link PoolKind#ABSENT} for what their kind
   * does not keep (Jetty's and ForkJoinPool's completed tasks, rejections where no rejection is
   * seen).
   */
  record Snapshot(
      String pool,
      long queued,
      long active,
      long poolSize,
      long max,
      long completed,
      long rejected) {}

  private final Map<Object, PoolInfo> pools = Collections.synchronizedMap(new WeakHashMap<>());

  /** The agent's own pools, seen at construction and left out. */
  private final Set<Object> ours =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  /** From every constructor of a pool class: the same pool may be reported more than once. */
  void created(Object executor) {
    if (executor == null || pools.containsKey(executor) || ours.contains(executor)) {
      return;
    }
    PoolKind kind = PoolKind.of(executor);
    if (kind == null) {
      return;
    }
    StackWalker.StackFrame[] frames =
        WALKER.walk(s -> s.limit(40).toArray(StackWalker.StackFrame[]::new));
    for (StackWalker.StackFrame frame : frames) {
      String cls = frame.getClassName();
      if (cls.startsWith("io.opspulse.agent.shaded.") || cls.equals(OTLP_EXPORT)) {
        ours.add(executor);
        return; // the agent's own pools (the Prometheus endpoint's, the OTLP export's) are not the
        // application's
      }
    }
    pools.putIfAbsent(executor, new PoolInfo(kind, PoolNames.creator(frames)));
  }

  void workerStarted(Object executor) {
    PoolInfo info = pools.get(executor);
    if (info == null && !ours.contains(executor)) {
      // Created in the moment before its class was instrumented (ForkJoinPool's common pool, from
      // the
      // class's own initialiser): its creator is unknown, but its first worker still names it.
      PoolKind kind = PoolKind.of(executor);
      info =
          kind == null ? null : pools.computeIfAbsent(executor, e -> new PoolInfo(kind, "unknown"));
    }
    if (info != null && info.name == null) {
      info.name = info.kind.nameFromWorker(Thread.currentThread().getName(), info.creator);
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
    List<Map.Entry<Object, PoolInfo>> entries;
    synchronized (pools) {
      entries = new ArrayList<>(pools.entrySet());
    }
    Map<String, long[]> byName = new TreeMap<>();
    for (Map.Entry<Object, PoolInfo> e : entries) {
      Object pool = e.getKey();
      PoolInfo info = e.getValue();
      if (pool == null) {
        continue;
      }
      long[] one;
      try {
        if (info.name == null) {
          info.name = info.kind.ownName(pool);
          if (info.name == null) {
            continue; // no worker ran yet
          }
        }
        long[] state = info.kind.read(pool);
        one =
            new long[] {
              state[0],
              state[1],
              state[2],
              state[3],
              state[4],
              info.kind == PoolKind.JDK_THREAD_POOL || info.kind == PoolKind.TOMCAT
                  ? info.rejected.sum()
                  : PoolKind.ABSENT
            };
      } catch (RuntimeException ex) {
        failed.accept(
            ex); // a subclass overriding an accessor badly: skip that pool, keep the others
        continue;
      } catch (Throwable ex) {
        failed.accept(new IllegalStateException("cannot read pool " + info.name, ex));
        continue;
      }
      long[] sum = byName.computeIfAbsent(info.name, n -> new long[] {-1, -1, -1, -1, -1, -1});
      for (int i = 0; i < sum.length; i++) {
        if (one[i] != PoolKind.ABSENT) {
          sum[i] = Math.max(sum[i], 0) + one[i];
        }
      }
    }
    List<Snapshot> out = new ArrayList<>();
    byName.forEach((name, s) -> out.add(new Snapshot(name, s[0], s[1], s[2], s[3], s[4], s[5])));
    return out;
  }
}
