package io.opspulse.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Alertmanager (Debian's prometheus-alertmanager) on 127.0.0.1 with its own storage folder
 * and no cluster listener, so it gossips with nothing else on the machine. Stopped by its pid.
 */
public final class AlertmanagerServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int port;
  private final ManagedProcess process;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private AlertmanagerServer(int port, ManagedProcess process) {
    this.port = port;
    this.process = process;
  }

  public static Path binary() {
    Path p = Path.of(System.getProperty("alertmanager", "/usr/bin/prometheus-alertmanager"));
    if (!Files.isExecutable(p)) {
      throw new IllegalStateException(p + " not found: apt-get install prometheus-alertmanager");
    }
    return p;
  }

  /**
   * Starts it with {@code config} (a file) and storage under {@code dir}; waits until it is ready.
   */
  public static AlertmanagerServer start(Path config, Path dir) throws IOException {
    int port = Ports.freeLoopbackPort();
    ManagedProcess p =
        ManagedProcess.start(
            "alertmanager",
            List.of(
                binary().toString(),
                "--config.file=" + config,
                "--storage.path=" + dir.resolve("alertmanager-data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=",
                "--log.level=warn"),
            Map.of(),
            dir.resolve("alertmanager.log"));
    AlertmanagerServer server = new AlertmanagerServer(port, p);
    try {
      Poll.untilTrue(
          "alertmanager on port " + port + " to be ready",
          Duration.ofSeconds(60),
          () -> {
            if (!p.isAlive()) {
              throw new IllegalStateException("alertmanager exited: " + p.logTail(20));
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
  }

  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  public String url() {
    return "http://" + hostPort();
  }

  public ManagedProcess process() {
    return process;
  }

  /** GETs an API v2 path and parses the JSON body. */
  public JsonNode api(String path) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url() + path))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
      }
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(20));
  }
}
