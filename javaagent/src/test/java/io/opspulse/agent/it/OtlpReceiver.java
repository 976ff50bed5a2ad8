package io.opspulse.agent.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP metrics receiver on 127.0.0.1, as a collector's {@code otlphttp} receiver: POST
 * /v1/metrics with a protobuf {@code ExportMetricsServiceRequest}, decoded with the OTLP protos and
 * kept for the test. It answers 200 with an empty response, or the status the test set (a collector
 * in trouble).
 */
final class OtlpReceiver implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private final List<ExportMetricsServiceRequest> requests = new CopyOnWriteArrayList<>();
  private final List<String> problems = new CopyOnWriteArrayList<>();
  private volatile int status;

  OtlpReceiver(int status) throws IOException {
    this.status = status;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** The base URL, as {@code otlp.endpoint} takes it (the agent adds /v1/metrics). */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")
          || !exchange.getRequestURI().getPath().equals("/v1/metrics")) {
        problems.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      if (!"application/x-protobuf".equals(type)) {
        problems.add("Content-Type " + type);
      }
      InputStream body = exchange.getRequestBody();
      if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        body = new GZIPInputStream(body);
      }
      try {
        requests.add(ExportMetricsServiceRequest.parseFrom(body.readAllBytes()));
      } catch (IOException | RuntimeException e) {
        problems.add("undecodable body: " + e);
      }
      int answer = status;
      if (answer != 200) {
        exchange.sendResponseHeaders(answer, -1);
        return;
      }
      byte[] response = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, response.length == 0 ? -1 : response.length);
      if (response.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(response);
        }
      }
    }
  }

  List<ExportMetricsServiceRequest> requests() {
    return List.copyOf(requests);
  }

  /** What was not a well-formed OTLP/HTTP protobuf metrics export. */
  List<String> problems() {
    return List.copyOf(problems);
  }

  /** The metric {@code name} in the newest export that has it, with the resource it came with. */
  Optional<Found> latest(String name) {
    List<ExportMetricsServiceRequest> all = requests();
    for (int i = all.size() - 1; i >= 0; i--) {
      for (ResourceMetrics rm : all.get(i).getResourceMetricsList()) {
        for (ScopeMetrics sm : rm.getScopeMetricsList()) {
          for (Metric m : sm.getMetricsList()) {
            if (m.getName().equals(name)) {
              return Optional.of(
                  new Found(
                      m,
                      sm.getScope().getName(),
                      attributes(rm.getResource().getAttributesList())));
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Every metric name in the newest export. */
  List<String> namesInLatest() {
    List<ExportMetricsServiceRequest> all = requests();
    List<String> names = new ArrayList<>();
    if (!all.isEmpty()) {
      all.get(all.size() - 1)
          .getResourceMetricsList()
          .forEach(
              rm ->
                  rm.getScopeMetricsList()
                      .forEach(sm -> sm.getMetricsList().forEach(m -> names.add(m.getName()))));
    }
    return names;
  }

  /**
   * One metric as exported, the name of the scope that recorded it and its resource's attributes.
   */
  record Found(Metric metric, String scope, Map<String, String> resource) {}

  /** String-valued attributes (the ints as their decimal text), for comparing with a map. */
  static Map<String, String> attributes(List<KeyValue> kvs) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (KeyValue kv : kvs) {
      var v = kv.getValue();
      out.put(kv.getKey(), v.hasIntValue() ? Long.toString(v.getIntValue()) : v.getStringValue());
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
