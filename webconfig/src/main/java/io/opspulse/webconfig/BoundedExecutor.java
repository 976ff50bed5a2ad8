package io.opspulse.webconfig;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The executor for a metrics endpoint ({@code HTTPServer.builder().executorService(...)},
 * OpenTelemetry's {@code PrometheusHttpServerBuilder.setExecutor(...)}): at most {@code
 * maxConcurrent} requests are served at once and at most {@code queueCapacity} wait; a request
 * beyond that is refused at once: the JDK server closes its connection, and the scraper records a
 * failed scrape instead of piling up threads and memory in the exporter. Threads are daemons and
 * time out when idle.
 */
public final class BoundedExecutor extends ThreadPoolExecutor {
  private final AtomicLong rejected = new AtomicLong();

  private BoundedExecutor(int maxConcurrent, BlockingQueue<Runnable> queue, String threadName) {
    super(maxConcurrent, maxConcurrent, 60, TimeUnit.SECONDS, queue, daemonThreads(threadName));
    allowCoreThreadTimeOut(true);
    setRejectedExecutionHandler(
        (task, pool) -> {
          rejected.incrementAndGet();
          throw new RejectedExecutionException(
              "more than "
                  + maxConcurrent
                  + " concurrent requests and "
                  + queue.remainingCapacity()
                  + " queue places left");
        });
  }

  /** {@code maxConcurrent} workers and as many queue places. */
  public static BoundedExecutor create(int maxConcurrent) {
    return create(maxConcurrent, maxConcurrent, "opspulse-http");
  }

  /**
   * @param maxConcurrent requests served at once, at least 1
   * @param queueCapacity requests that may wait for a worker, 0 or more
   * @param threadName prefix of the worker threads' names
   */
  public static BoundedExecutor create(int maxConcurrent, int queueCapacity, String threadName) {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be at least 1, got " + maxConcurrent);
    }
    if (queueCapacity < 0) {
      throw new IllegalArgumentException(
          "queueCapacity must not be negative, got " + queueCapacity);
    }
    BlockingQueue<Runnable> queue =
        queueCapacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queueCapacity);
    return new BoundedExecutor(maxConcurrent, queue, threadName);
  }

  /** Requests refused since start, for a self-metric. */
  public long rejectedCount() {
    return rejected.get();
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
