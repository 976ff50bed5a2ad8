package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PoolNamesTest {
  @Test
  void threadCountersAreTakenOut() {
    assertThat(PoolNames.fromThread("orders-worker-7", "App")).isEqualTo("orders-worker");
    assertThat(PoolNames.fromThread("HttpClient-1-Worker-0", "App")).isEqualTo("HttpClient-Worker");
    assertThat(PoolNames.fromThread("orders-db housekeeper", "App"))
        .isEqualTo("orders-db housekeeper");
    assertThat(PoolNames.fromThread("kafka-producer-network-thread | producer-12", "App"))
        .isEqualTo("kafka-producer-network-thread | producer");
  }

  @Test
  void serverPoolsKeepAllButTheTrailingCounter() {
    assertThat(PoolNames.withoutTrailingCounter("http-nio-127.0.0.1-8080-exec-12", "App"))
        .isEqualTo("http-nio-127.0.0.1-8080-exec");
    assertThat(PoolNames.withoutTrailingCounter("http-nio-8080-exec-1", "App"))
        .isEqualTo("http-nio-8080-exec");
    assertThat(PoolNames.withoutTrailingCounter("7", "App")).isEqualTo("App");
  }

  @Test
  void theJdkDefaultFactoryNamesThePoolAfterItsCreator() {
    assertThat(PoolNames.fromThread("ForkJoinPool-3-worker-1", "OrderService"))
        .isEqualTo("OrderService");
    assertThat(PoolNames.fromThread("ForkJoinPool.commonPool-worker-2", "x"))
        .isEqualTo("ForkJoinPool.commonPool-worker");
    assertThat(PoolNames.fromThread("pool-3-thread-1", "OrderService")).isEqualTo("OrderService");
    assertThat(PoolNames.fromThread("42", "OrderService")).isEqualTo("OrderService");
  }

  @Test
  void theCreatorIsTheFirstCallerOutsideTheJdkAndTheAgent() {
    assertThat(PoolNames.creator(io.opspulse.testapp.FrameCapture.here()))
        .isEqualTo("FrameCapture");
    assertThat(PoolNames.isJdk("java.util.concurrent.Executors")).isTrue();
    assertThat(PoolNames.isJdk("io.opspulse.agent.core.ExecutorRegistry")).isTrue();
    assertThat(PoolNames.isJdk("io.opspulse.testapp.ScenarioApp")).isFalse();
  }
}
