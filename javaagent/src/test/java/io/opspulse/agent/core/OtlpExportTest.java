package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OtlpExportTest {
  private static final String ENDPOINT = "http://127.0.0.1:4318/v1/metrics";

  /** An exporter answering each export with the next of {@code results}. */
  private static MetricExporter answering(List<CompletableResultCode> results) {
    List<CompletableResultCode> left = new ArrayList<>(results);
    return new MetricExporter() {
      @Override
      public CompletableResultCode export(Collection<MetricData> metrics) {
        return left.remove(0);
      }

      @Override
      public AggregationTemporality getAggregationTemporality(InstrumentType type) {
        return AggregationTemporality.CUMULATIVE;
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
  }

  @Test
  void theExporterIsBuiltAtTheFirstExportNotAtStartUp() {
    AtomicInteger built = new AtomicInteger();
    OtlpExport.AgentExporter exporter =
        new OtlpExport.AgentExporter(
            () -> {
              built.incrementAndGet();
              return answering(
                  List.of(CompletableResultCode.ofSuccess(), CompletableResultCode.ofSuccess()));
            },
            ENDPOINT,
            new AgentErrors());

    // What the reader asks when it is registered: answered without the exporter.
    assertThat(exporter.getAggregationTemporality(InstrumentType.HISTOGRAM))
        .isEqualTo(AggregationTemporality.CUMULATIVE);
    assertThat(exporter.getDefaultAggregation(InstrumentType.COUNTER))
        .isEqualTo(Aggregation.defaultAggregation());
    assertThat(exporter.getMemoryMode()).isEqualTo(MemoryMode.IMMUTABLE_DATA);
    assertThat(exporter.shutdown().isSuccess()).isTrue();
    assertThat(built).hasValue(0);

    assertThat(exporter.export(List.of()).isSuccess()).isTrue();
    assertThat(exporter.export(List.of()).isSuccess()).isTrue();
    assertThat(built).hasValue(1);
  }

  @Test
  void everyFailedExportIsCountedAndSuccessesAreNot() {
    AgentErrors errors = new AgentErrors();
    CompletableResultCode late = new CompletableResultCode();
    OtlpExport.AgentExporter exporter =
        new OtlpExport.AgentExporter(
            () ->
                answering(
                    List.of(
                        CompletableResultCode.ofExceptionalFailure(
                            new ConnectException("Connection refused")),
                        CompletableResultCode.ofSuccess(),
                        late,
                        CompletableResultCode.ofFailure())),
            ENDPOINT,
            errors);

    exporter.export(List.of());
    exporter.export(List.of());
    exporter.export(List.of());
    assertThat(errors.count(OtlpExport.COMPONENT)).isEqualTo(1);
    late.fail(); // an export the collector answers after the reader moved on
    exporter.export(List.of());
    assertThat(errors.count(OtlpExport.COMPONENT)).isEqualTo(3);
  }

  @Test
  void anExporterThatCannotBeBuiltIsAFailedExport() {
    AgentErrors errors = new AgentErrors();
    OtlpExport.AgentExporter exporter =
        new OtlpExport.AgentExporter(
            () -> {
              throw new NoClassDefFoundError("java/net/http/HttpClient");
            },
            ENDPOINT,
            errors);
    assertThat(exporter.export(List.of()).isSuccess()).isFalse();
    assertThat(errors.count(OtlpExport.COMPONENT)).isEqualTo(1);
  }

  @Test
  void theReasonIsWhatAnOperatorCanActOn() {
    assertThat(OtlpExport.AgentExporter.reason(new ConnectException("Connection refused")))
        .isEqualTo("java.net.ConnectException: Connection refused");
    assertThat(
            OtlpExport.AgentExporter.reason(
                new java.util.concurrent.CompletionException(
                    new java.io.UncheckedIOException(new ConnectException("Connection refused")))))
        .isEqualTo("java.net.ConnectException: Connection refused");
    assertThat(OtlpExport.AgentExporter.reason(null)).isEqualTo("no reason given");
  }
}
