package io.opspulse.agent.core;

import java.lang.invoke.MethodHandle;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadPoolExecutor;
import org.jspecify.annotations.Nullable;

/**
 * The kinds of thread pool the agent reads, each with how to read its state and how its name is
 * found. The JDK's are read through their types; the servers' own (Tomcat's request pool, Jetty's)
 * live in the application's class loaders and are read through method handles looked up once per
 * pool class.
 */
enum PoolKind {
  /** java.util.concurrent.ThreadPoolExecutor and subclasses: named by its first worker thread. */
  JDK_THREAD_POOL(null) {
    @Override
    long[] read(Object pool) {
      ThreadPoolExecutor tpe = (ThreadPoolExecutor) pool;
      return new long[] {
        tpe.getQueue().size(),
        tpe.getActiveCount(),
        tpe.getPoolSize(),
        tpe.getMaximumPoolSize(),
        tpe.getCompletedTaskCount()
      };
    }
  },
  /**
   * ForkJoinPool (the common pool, parallel streams' and CompletableFuture's default): max is the
   * parallelism.
   */
  FORK_JOIN(null) {
    @Override
    long[] read(Object pool) {
      ForkJoinPool fjp = (ForkJoinPool) pool;
      return new long[] {
        fjp.getQueuedSubmissionCount() + fjp.getQueuedTaskCount(),
        fjp.getActiveThreadCount(),
        fjp.getPoolSize(),
        fjp.getParallelism(),
        ABSENT
      };
    }
  },
  /**
   * Tomcat's request pool, org.apache.tomcat.util.threads.ThreadPoolExecutor (a copy of the JDK's
   * that extends AbstractExecutorService): named like its threads without their counter,
   * http-nio-8080-exec.
   */
  TOMCAT("org.apache.tomcat.util.threads.ThreadPoolExecutor") {
    @Override
    long[] read(Object pool) throws Throwable {
      Handles h = handles(pool);
      Object queue = h.queue.invokeExact(pool);
      return new long[] {
        ((Collection<?>) queue).size(),
        (int) h.active.invokeExact(pool),
        (int) h.size.invokeExact(pool),
        (int) h.max.invokeExact(pool),
        (long)
            Objects.requireNonNull(h.completed, "this kind counts completed tasks")
                .invokeExact(pool)
      };
    }

    @Override
    String nameFromWorker(String threadName, String creator) {
      return PoolNames.withoutTrailingCounter(threadName, creator);
    }
  },
  /** Jetty's QueuedThreadPool: named by its own name (qtp for Jetty's default qtp + hash code). */
  JETTY("org.eclipse.jetty.util.thread.QueuedThreadPool") {
    @Override
    long[] read(Object pool) throws Throwable {
      Handles h = handles(pool);
      return new long[] {
        (int) h.queue.invokeExact(pool),
        (int) h.active.invokeExact(pool),
        (int) h.size.invokeExact(pool),
        (int) h.max.invokeExact(pool),
        ABSENT
      };
    }

    @Override
    String ownName(Object pool) throws Throwable {
      String name =
          (String)
              Objects.requireNonNull(handles(pool).name, "Jetty names its pool").invokeExact(pool);
      return name == null || name.isEmpty() || name.matches("qtp-?\\d+") ? "qtp" : name;
    }
  },
  /**
   * The XNIO worker Undertow runs blocking (servlet) requests on, read through its management bean
   * (the task pool is jboss-threads' EnhancedQueueExecutor, no ThreadPoolExecutor): named by the
   * worker's own name, XNIO for XNIO's default XNIO-n. Busy threads only where jboss-threads counts
   * them.
   */
  XNIO("org.xnio.XnioWorker") {
    @Override
    long[] read(Object pool) throws Throwable {
      Handles h = handles(pool);
      Object bean = Objects.requireNonNull(h.bean, "XNIO has a bean").invokeExact(pool);
      // jboss-threads counts busy threads only with jboss.threads.eqe.statistics.active-count=true;
      // else -1.
      int active = (int) h.active.invokeExact(bean);
      return new long[] {
        (int) h.queue.invokeExact(bean),
        active < 0 ? ABSENT : active,
        (int) h.size.invokeExact(bean),
        (int) h.max.invokeExact(bean),
        ABSENT
      };
    }

    @Override
    @Nullable String ownName(Object pool) throws Throwable {
      Handles h = handles(pool);
      Object bean = Objects.requireNonNull(h.bean, "XNIO has a bean").invokeExact(pool);
      if (bean == null) {
        return null; // still being constructed: its subclass sets the bean up after XnioWorker's
        // constructor
      }
      String name =
          (String) Objects.requireNonNull(h.name, "XNIO names its worker").invokeExact(bean);
      return name == null || name.isEmpty() || name.matches("XNIO-\\d+") ? "XNIO" : name;
    }
  };

  /** A value this kind of pool does not keep: no series for it. */
  static final long ABSENT = -1;

  private final @Nullable String className;
  private final ClassValue<Handles> handles =
      new ClassValue<>() {
        @Override
        protected Handles computeValue(Class<?> type) {
          try {
            return new Handles(
                PoolKind.this,
                Objects.requireNonNull(
                    ApiTypes.find(type, Objects.requireNonNull(className, "a named kind")),
                    "handles are read only for a pool of this kind"));
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + className, e);
          }
        }
      };

  PoolKind(@Nullable String className) {
    this.className = className;
  }

  /**
   * Queued tasks, active threads, threads, maximum threads, completed tasks (or {@link #ABSENT}).
   */
  abstract long[] read(Object pool) throws Throwable;

  /** The pool's name from its first worker thread's name, for kinds named that way. */
  String nameFromWorker(String threadName, String creator) {
    return PoolNames.fromThread(threadName, creator);
  }

  /** The name the pool gives itself, or null for kinds named by their threads. */
  @Nullable String ownName(Object pool) throws Throwable {
    return null;
  }

  /** The kind of {@code executor}, or null for an executor the agent does not read. */
  static @Nullable PoolKind of(Object executor) {
    if (executor instanceof ThreadPoolExecutor) {
      return JDK_THREAD_POOL;
    }
    if (executor instanceof ForkJoinPool) {
      return FORK_JOIN;
    }
    for (PoolKind kind : new PoolKind[] {TOMCAT, JETTY, XNIO}) {
      if (ApiTypes.find(executor.getClass(), Objects.requireNonNull(kind.className, "a named kind"))
          != null) {
        return kind;
      }
    }
    return null;
  }

  Handles handles(Object pool) {
    return handles.get(pool.getClass());
  }

  /** The method handles of one server pool class. */
  static final class Handles {
    final MethodHandle queue;
    final MethodHandle active;
    final MethodHandle size;
    final MethodHandle max;
    final @Nullable MethodHandle completed;
    final @Nullable MethodHandle name;

    /** XNIO's management bean, which the other handles read; null for the other kinds. */
    final @Nullable MethodHandle bean;

    Handles(PoolKind kind, Class<?> type) throws ReflectiveOperationException {
      if (kind == XNIO) {
        Class<?> beanType = ApiTypes.sibling(type, "org.xnio.management.XnioWorkerMXBean");
        bean = ApiTypes.getter(type, "getMXBean", beanType);
        queue = ApiTypes.getter(beanType, "getWorkerQueueSize", int.class);
        active = ApiTypes.getter(beanType, "getBusyWorkerThreadCount", int.class);
        size = ApiTypes.getter(beanType, "getWorkerPoolSize", int.class);
        max = ApiTypes.getter(beanType, "getMaxWorkerPoolSize", int.class);
        completed = null;
        name = ApiTypes.getter(beanType, "getName", String.class);
        return;
      }
      bean = null;
      if (kind == TOMCAT) {
        queue = ApiTypes.getter(type, "getQueue", java.util.concurrent.BlockingQueue.class);
        active = ApiTypes.getter(type, "getActiveCount", int.class);
        size = ApiTypes.getter(type, "getPoolSize", int.class);
        max = ApiTypes.getter(type, "getMaximumPoolSize", int.class);
        completed = ApiTypes.getter(type, "getCompletedTaskCount", long.class);
        name = null;
      } else {
        queue = ApiTypes.getter(type, "getQueueSize", int.class);
        active = ApiTypes.getter(type, "getBusyThreads", int.class);
        size = ApiTypes.getter(type, "getThreads", int.class);
        max = ApiTypes.getter(type, "getMaxThreads", int.class);
        completed = null;
        name = ApiTypes.getter(type, "getName", String.class);
      }
    }
  }
}
