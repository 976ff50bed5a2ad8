package io.opspulse.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.catalog.ProfilerMetrics;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The catalog declares the metrics' label values; the profiler must produce exactly those. */
class CatalogAgreementTest {
  @Test
  void eventLabelValuesAreTheProfilersEventKeys() {
    assertThat(Arrays.stream(ProfileEvent.values()).map(ProfileEvent::key))
        .containsExactlyElementsOf(ProfilerMetrics.EVENTS);
  }

  @Test
  void theCatalogsMetricsAreTheAgentsAndCarryBoundedLabels() {
    assertThat(ProfilerMetrics.TOP_FRAME_RATIO.labels()).containsExactly("event", "frame");
    assertThat(ProfilerMetrics.SAMPLES.name()).isEqualTo("opspulse_profiler_samples_total");
    assertThat(ProfilerMetrics.TOP_FRAMES).isBetween(1, 10);
  }
}
