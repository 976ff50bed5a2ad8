package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.catalog.JvmMetrics;
import org.junit.jupiter.api.Test;

class InstrumentsTest {
  @Test
  void theDefaultBucketsResolveFrom100MicrosecondsAndHoldEveryAdvisedBoundary() {
    assertThat(Instruments.LATENCY_BUCKETS).first().isEqualTo(0.0001);
    assertThat(Instruments.LATENCY_BUCKETS)
        .isSorted()
        .doesNotHaveDuplicates()
        .containsAll(Instruments.SEMCONV_HTTP_BUCKETS)
        .containsAll(Instruments.SEMCONV_DB_BUCKETS);
    for (var def :
        new io.opspulse.catalog.MetricDefinition[] {
          JvmMetrics.HTTP_SERVER_DURATION,
          JvmMetrics.HTTP_CLIENT_DURATION,
          JvmMetrics.DB_CLIENT_DURATION,
          JvmMetrics.POOL_WAIT_TIME
        }) {
      assertThat(Instruments.latencyBuckets(def.otelName(), AgentConfig.Buckets.DEFAULT))
          .isEqualTo(Instruments.LATENCY_BUCKETS);
    }
  }

  @Test
  void semconvGivesExactlyTheAdvisedBoundaries() {
    AgentConfig.Buckets semconv = AgentConfig.Buckets.SEMCONV;
    assertThat(Instruments.latencyBuckets(JvmMetrics.HTTP_SERVER_DURATION.otelName(), semconv))
        .containsExactly(
            0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
    assertThat(Instruments.latencyBuckets(JvmMetrics.HTTP_CLIENT_DURATION.otelName(), semconv))
        .containsExactly(
            0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
    assertThat(Instruments.latencyBuckets(JvmMetrics.DB_CLIENT_DURATION.otelName(), semconv))
        .containsExactly(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0);
    assertThat(Instruments.latencyBuckets(JvmMetrics.POOL_WAIT_TIME.otelName(), semconv))
        .as("no advice for the wait time: the default list")
        .isEqualTo(Instruments.LATENCY_BUCKETS);
  }
}
