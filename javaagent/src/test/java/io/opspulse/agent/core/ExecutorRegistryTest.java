package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExecutorRegistryTest {
  private static ThreadPoolExecutor pool() {
    return new ThreadPoolExecutor(1, 3, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
  }

  /** Runs {@code body} on a thread named {@code name}, as a pool's worker would. */
  private static void onThread(String name, Runnable body) throws InterruptedException {
    Thread t = new Thread(body, name);
    t.start();
    t.join();
  }

  @Test
  void aPoolIsNamedByItsFirstWorkersThread() throws InterruptedException {
    ExecutorRegistry registry = new ExecutorRegistry();
    ThreadPoolExecutor pool = pool();
    registry.created(pool);
    onThread("orders-worker-1", () -> registry.workerStarted(pool));
    assertThat(registry.snapshot(e -> {}))
        .extracting(ExecutorRegistry.Snapshot::pool, ExecutorRegistry.Snapshot::max)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("orders-worker", 3L));
  }

  @Test
  void aPoolCreatedBeforeInstrumentationIsFoundByItsFirstWorker() throws InterruptedException {
    ExecutorRegistry registry = new ExecutorRegistry();
    ThreadPoolExecutor early =
        pool(); // constructed while ThreadPoolExecutor was not yet instrumented
    onThread("reports-7", () -> registry.workerStarted(early));
    assertThat(registry.snapshot(e -> {}))
        .extracting(ExecutorRegistry.Snapshot::pool)
        .containsExactly("reports");
  }

  @Test
  void aForkJoinPoolReportsItsParallelismAsMaxAndKeepsNoCompletedCount() throws Exception {
    ExecutorRegistry registry = new ExecutorRegistry();
    java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(3);
    try {
      registry.created(pool);
      onThread("search-7", () -> registry.workerStarted(pool));
      assertThat(registry.snapshot(e -> {}))
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.pool()).isEqualTo("search");
                assertThat(s.max()).isEqualTo(3);
                assertThat(s.completed()).isEqualTo(PoolKind.ABSENT);
                assertThat(s.rejected()).isEqualTo(PoolKind.ABSENT);
              });
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anExecutorOfAnotherKindIsNotRegistered() throws InterruptedException {
    ExecutorRegistry registry = new ExecutorRegistry();
    Object notAPool = new java.util.concurrent.CompletableFuture<Void>();
    registry.created(notAPool);
    onThread("worker-1", () -> registry.workerStarted(notAPool));
    assertThat(registry.snapshot(e -> {})).isEmpty();
  }
}
