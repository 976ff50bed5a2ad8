package io.opspulse.profiler;

import io.opspulse.testkit.ManagedProcess;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link io.opspulse.profiler.testapp.HotApp} in its own JVM (the one named by the {@code
 * profiler.it.java} property, else this one's), serving the profiler on 127.0.0.1; stopped by pid.
 */
final class HotAppProcess implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("READY port=\\d+ java=(\\d+)");
  private final ManagedProcess process;
  private final int port;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final int javaFeature;

  private HotAppProcess(ManagedProcess process, int port, int javaFeature) {
    this.process = process;
    this.port = port;
    this.javaFeature = javaFeature;
  }

  static String javaCommand() {
    String configured = System.getProperty("profiler.it.java", "");
    return configured.isBlank()
        ? Path.of(System.getProperty("java.home"), "bin", "java").toString()
        : configured;
  }

  static HotAppProcess start(String label, List<String> jvmOptions, String events)
      throws Exception {
    int port = Ports.freeLoopbackPort();
    List<String> command = new ArrayList<>();
    command.add(javaCommand());
    command.add("-Xmx256m");
    command.addAll(jvmOptions);
    command.add("-cp");
    // The app needs the profiler and itself, nothing else: the JDK is all the profiler depends on.
    command.add(
        Path.of("target", "classes").toAbsolutePath()
            + File.pathSeparator
            + Path.of("target", "test-classes").toAbsolutePath());
    command.add("io.opspulse.profiler.testapp.HotApp");
    command.add(Integer.toString(port));
    command.add(events);
    Path log = Path.of("target", "it-logs", label + ".log");
    Files.deleteIfExists(
        log); // ManagedProcess appends: a previous run's lines must not answer this one's polls
    ManagedProcess process = ManagedProcess.start(label, command, Map.of(), log);
    try {
      int feature =
          Poll.until(
              label + " ready on port " + port,
              Duration.ofSeconds(30),
              () -> {
                if (!process.isAlive()) {
                  throw new AssertionError(label + " exited:\n" + process.logTail(30));
                }
                Matcher m = READY.matcher(process.logText());
                return m.find() ? Integer.parseInt(m.group(1)) : null;
              });
      return new HotAppProcess(process, port, feature);
    } catch (RuntimeException | Error e) {
      process.stop(Duration.ofSeconds(5));
      throw e;
    }
  }

  int javaFeature() {
    return javaFeature;
  }

  String url(String pathAndQuery) {
    return "http://127.0.0.1:" + port + pathAndQuery;
  }

  HttpResponse<String> get(String pathAndQuery) {
    try {
      return client.send(
          HttpRequest.newBuilder(URI.create(url(pathAndQuery)))
              .timeout(Duration.ofSeconds(20))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(
          "GET " + pathAndQuery + " failed; app log:\n" + process.logTail(20), e);
    }
  }

  String log() {
    return process.logText();
  }

  String logTail() {
    return process.logTail(20);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(5));
  }
}
