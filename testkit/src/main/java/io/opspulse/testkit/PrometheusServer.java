package io.opspulse.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Prometheus (Debian's) on 127.0.0.1 with its own storage folder, scraping the targets a
 * test names and loading the rule files it names. Stopped by its pid.
 */
public final class PrometheusServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final int port;
  private final ManagedProcess process;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PrometheusServer(Path root, int port, ManagedProcess process) {
    this.root = root;
    this.port = port;
    this.process = process;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int port() {
    return port;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public ManagedProcess process() {
    return process;
  }

  /** GETs an API path (with query string) and returns the parsed {@code data} field. */
  public JsonNode api(String pathAndQuery) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      if (!"success".equals(body.path("status").asText())) {
        throw new IllegalStateException(pathAndQuery + ": " + r.statusCode() + " " + r.body());
      }
      return body.path("data");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An instant query's result vector: one entry per series, with its labels and value. */
  public List<Sample> query(String promql) {
    JsonNode data = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    List<Sample> out = new ArrayList<>();
    String type = data.path("resultType").asText();
    if ("scalar".equals(type)) {
      out.add(new Sample(Map.of(), data.path("result").get(1).asDouble()));
      return out;
    }
    for (JsonNode series : data.path("result")) {
      Map<String, String> labels = new LinkedHashMap<>();
      series
          .path("metric")
          .fields()
          .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      JsonNode value =
          series.has("value")
              ? series.path("value")
              : series.path("values").path(series.path("values").size() - 1);
      out.add(new Sample(labels, Double.parseDouble(value.get(1).asText())));
    }
    return out;
  }

  /** Alerts Prometheus holds now, pending or firing. */
  public List<Alert> alerts() {
    List<Alert> out = new ArrayList<>();
    for (JsonNode a : api("/api/v1/alerts").path("alerts")) {
      Map<String, String> labels = new LinkedHashMap<>();
      a.path("labels")
          .fields()
          .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      Map<String, String> annotations = new LinkedHashMap<>();
      a.path("annotations")
          .fields()
          .forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
      out.add(
          new Alert(
              labels.getOrDefault("alertname", ""), a.path("state").asText(), labels, annotations));
    }
    return out;
  }

  /** Scrape targets and their health, as Prometheus sees them. */
  public List<JsonNode> activeTargets() {
    List<JsonNode> out = new ArrayList<>();
    api("/api/v1/targets").path("activeTargets").forEach(out::add);
    return out;
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(20));
    Commands.run(List.of("rm", "-rf", root.toString()), Map.of(), null, Duration.ofSeconds(30));
  }

  /** One series of a query result. */
  public record Sample(Map<String, String> labels, double value) {
    public String label(String name) {
      return labels.getOrDefault(name, "");
    }
  }

  /** One alert from /api/v1/alerts. */
  public record Alert(
      String name, String state, Map<String, String> labels, Map<String, String> annotations) {}

  public static final class Builder {
    private final Map<String, List<String>> jobs = new LinkedHashMap<>();
    private final List<Path> ruleFiles = new ArrayList<>();
    private String scrapeInterval = "1s";
    private String evaluationInterval = "1s";
    private final List<String> alertmanagers = new ArrayList<>();
    private final List<String> remoteWrites = new ArrayList<>();
    private final Map<String, String> externalLabels = new LinkedHashMap<>();
    private boolean remoteWriteReceiver;

    /** Scrapes {@code targets} (host:port on 127.0.0.1) as job {@code job}. */
    public Builder scrape(String job, String... targets) {
      jobs.computeIfAbsent(job, j -> new ArrayList<>()).addAll(List.of(targets));
      return this;
    }

    public Builder ruleFile(Path file) {
      ruleFiles.add(file.toAbsolutePath());
      return this;
    }

    public Builder scrapeInterval(String interval) {
      this.scrapeInterval = interval;
      return this;
    }

    public Builder evaluationInterval(String interval) {
      this.evaluationInterval = interval;
      return this;
    }

    /** Sends alerts to the Alertmanager at {@code hostPort} (127.0.0.1:port). */
    public Builder alertmanager(String hostPort) {
      alertmanagers.add(hostPort);
      return this;
    }

    /** Remote-writes every scraped sample to {@code url} (another Prometheus' /api/v1/write). */
    public Builder remoteWrite(String url) {
      remoteWrites.add(url);
      return this;
    }

    /** Accepts remote writes on /api/v1/write ({@code --web.enable-remote-write-receiver}). */
    public Builder remoteWriteReceiver() {
      remoteWriteReceiver = true;
      return this;
    }

    /**
     * A label added to every series and alert this server sends out (remote write, Alertmanager).
     */
    public Builder externalLabel(String name, String value) {
      externalLabels.put(name, value);
      return this;
    }

    public PrometheusServer start() {
      try {
        Path root = Files.createTempDirectory("opspulse-prometheus-");
        StringBuilder config =
            new StringBuilder()
                .append("global:\n  scrape_interval: ")
                .append(scrapeInterval)
                .append("\n  scrape_timeout: ")
                .append(scrapeInterval)
                .append("\n  evaluation_interval: ")
                .append(evaluationInterval)
                .append('\n');
        if (!externalLabels.isEmpty()) {
          config.append("  external_labels:\n");
          externalLabels.forEach(
              (k, v) -> config.append("    ").append(k).append(": '").append(v).append("'\n"));
        }
        if (!alertmanagers.isEmpty()) {
          config.append("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [");
          config
              .append(String.join(", ", alertmanagers.stream().map(a -> "'" + a + "'").toList()))
              .append("]\n");
        }
        if (!remoteWrites.isEmpty()) {
          config.append("remote_write:\n");
          remoteWrites.forEach(
              u ->
                  config
                      .append("  - url: '")
                      .append(u)
                      .append("'\n")
                      .append("    queue_config: {batch_send_deadline: 1s}\n"));
        }
        if (!ruleFiles.isEmpty()) {
          config.append("rule_files:\n");
          ruleFiles.forEach(f -> config.append("  - '").append(f).append("'\n"));
        }
        config.append("scrape_configs:\n");
        jobs.forEach(
            (job, targets) -> {
              config
                  .append("  - job_name: '")
                  .append(job)
                  .append("'\n    static_configs:\n      - targets: [");
              for (int i = 0; i < targets.size(); i++) {
                config.append(i == 0 ? "'" : ", '").append(targets.get(i)).append('\'');
              }
              config.append("]\n");
            });
        Path configFile = root.resolve("prometheus.yml");
        Files.writeString(configFile, config);
        int port = Ports.freeLoopbackPort();
        List<String> command =
            new ArrayList<>(
                List.of(
                    "prometheus",
                    "--config.file=" + configFile,
                    "--storage.tsdb.path=" + root.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--web.enable-lifecycle",
                    "--log.level=warn"));
        if (remoteWriteReceiver) {
          command.add("--web.enable-remote-write-receiver");
        }
        ManagedProcess p =
            ManagedProcess.start("prometheus", command, Map.of(), root.resolve("prometheus.log"));
        PrometheusServer server = new PrometheusServer(root, port, p);
        try {
          Poll.untilTrue(
              "prometheus on port " + port + " to be ready",
              Duration.ofSeconds(60),
              () -> {
                if (!p.isAlive()) {
                  throw new IllegalStateException("prometheus exited: " + p.logTail(20));
                }
                try {
                  return server
                          .http
                          .send(
                              HttpRequest.newBuilder(URI.create(server.url() + "/-/ready")).build(),
                              HttpResponse.BodyHandlers.discarding())
                          .statusCode()
                      == 200;
                } catch (IOException e) {
                  return false;
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return false;
                }
              });
        } catch (RuntimeException | AssertionError e) {
          server.close();
          throw e;
        }
        return server;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
