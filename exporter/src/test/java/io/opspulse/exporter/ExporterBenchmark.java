package io.opspulse.exporter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opspulse.testkit.ManagedProcess;
import io.opspulse.testkit.Ports;
import io.opspulse.testkit.PrivateDockerDaemon;
import io.opspulse.testkit.exposition.Exposition;
import java.io.IOException;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Side-by-side benchmark of the exporter against the per-scrape list+inspect method polling
 * exporters use, at 10, 100 and 1,000 containers on a private daemon: scrape latency, Docker API
 * calls per scrape, CPU and RSS of each process; then the time from a container's death to the
 * metric showing it. Not a test: run it with {@code scripts/bench-exporter}. Prints Markdown.
 */
public final class ExporterBenchmark {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int SCRAPES = Integer.getInteger("bench.scrapes", 200);

  /**
   * The list+inspect method takes seconds a scrape at 1,000 containers: fewer of them keep a run
   * short.
   */
  private static final int BASELINE_SCRAPES = Integer.getInteger("bench.baselineScrapes", SCRAPES);

  /** The flags the benchmark has always run both methods with. */
  static final List<String> BENCH_FLAGS = List.of("-XX:+UseSerialGC", "-Xmx96m");

  /**
   * The flags docs/deployment.md recommends for the exporter as a sidecar; keep the two the same.
   */
  static final List<String> SIDECAR_FLAGS =
      List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx48m");

  /**
   * Args: the exporter jar, and optionally a second jar (an earlier build) measured in the same run
   * with each of the same flag sets. {@code -Dbench.sizes=10,100,1000} picks the fleet sizes;
   * {@code -Dbench.flagsets} the JVM flag sets the exporter jar runs with, separated by {@code ;}
   * (default: the benchmark's usual flags, then {@link #SIDECAR_FLAGS}); a {@code NAME=value} token
   * in a set (such as {@code MALLOC_ARENA_MAX=2}) goes into the JVM's environment instead; {@code
   * -Dbench.baseline=false} leaves out the list+inspect method (for quick looks only: the figures
   * that go in docs/benchmarks.md keep it).
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("baseline")) {
      PollingBaseline.serve(args[1], Integer.parseInt(args[2]));
      return;
    }
    Path jar =
        Path.of(args.length > 0 ? args[0] : "exporter/target/opspulse-exporter.jar")
            .toAbsolutePath();
    Path before = args.length > 1 ? Path.of(args[1]).toAbsolutePath() : null;
    int[] sizes =
        Arrays.stream(System.getProperty("bench.sizes", "10,100,1000").split(","))
            .mapToInt(t -> Integer.parseInt(t.strip()))
            .toArray();
    List<List<String>> flagSets = new ArrayList<>();
    for (String set :
        System.getProperty(
                "bench.flagsets",
                String.join(" ", BENCH_FLAGS) + ";" + String.join(" ", SIDECAR_FLAGS))
            .split(";")) {
      flagSets.add(List.of(set.strip().split("\\s+")));
    }
    boolean baseline = Boolean.parseBoolean(System.getProperty("bench.baseline", "true"));
    String classpath = System.getProperty("java.class.path");
    StringBuilder md = new StringBuilder();
    md.append(
            "| containers | method | JVM flags | scrape p50 ms | scrape p99 ms | Docker API calls / scrape | CPU s (all scrapes) | RSS MiB |\n")
        .append("|---|---|---|---|---|---|---|---|\n");
    try (PrivateDockerDaemon docker = PrivateDockerDaemon.start().withBusybox()) {
      int made = 0;
      for (int target : sizes) {
        // Up to 100 running containers (cgroup sampling has work), the rest created but not
        // started.
        for (; made < target; made++) {
          boolean start = made < 100;
          createContainer(docker, "bench-" + made, start);
        }
        AtomicLong calls = new AtomicLong();
        try (EngineProxy proxy =
            EngineProxy.watching(
                docker.root().resolve("bench-proxy.sock"),
                docker.socket(),
                path -> calls.incrementAndGet())) {
          List<String> exporterArgs =
              List.of("--docker.host", proxy.dockerHost(), "--web.listen-address", "127.0.0.1:%d");
          for (List<String> flags : flagSets) {
            // The earlier build under each flag set too: the goals are judged with the sidecar's.
            if (before != null) {
              md.append(
                  measure(
                      target,
                      "opspulse before (" + before.getFileName() + ")",
                      flags,
                      exporterCommand(flags, before, exporterArgs),
                      calls,
                      SCRAPES));
            }
            md.append(
                measure(
                    target,
                    "opspulse (events + memory)",
                    flags,
                    exporterCommand(flags, jar, exporterArgs),
                    calls,
                    SCRAPES));
          }
          if (baseline) {
            List<String> command = new ArrayList<>(List.of("java"));
            command.addAll(BENCH_FLAGS);
            command.addAll(
                List.of(
                    "-cp",
                    classpath,
                    ExporterBenchmark.class.getName(),
                    "baseline",
                    proxy.dockerHost(),
                    "%d"));
            md.append(
                measure(
                    target,
                    "list+inspect per scrape",
                    BENCH_FLAGS,
                    command,
                    calls,
                    BASELINE_SCRAPES));
          }
        }
      }
      md.append("\n").append(deathToMetric(docker, jar));
    }
    System.out.println(md);
  }

  private static List<String> exporterCommand(List<String> flags, Path jar, List<String> args) {
    List<String> command = new ArrayList<>(List.of("java"));
    flags.stream().filter(f -> !isEnv(f)).forEach(command::add);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(args);
    return command;
  }

  private static String measure(
      int containers,
      String method,
      List<String> flags,
      List<String> commandTemplate,
      AtomicLong calls,
      int scrapes)
      throws Exception {
    int port = Ports.freeLoopbackPort();
    List<String> command =
        commandTemplate.stream()
            .map(s -> s.contains("%d") ? String.format(Locale.ROOT, s, port) : s)
            .toList();
    Path log = Files.createTempFile("bench-", ".log");
    // Environment settings (glibc's MALLOC_ARENA_MAX) ride in the flag set as NAME=value tokens.
    Map<String, String> env = new HashMap<>();
    flags.stream()
        .filter(ExporterBenchmark::isEnv)
        .forEach(f -> env.put(f.substring(0, f.indexOf('=')), f.substring(f.indexOf('=') + 1)));
    try (ManagedProcess p = ManagedProcess.start(method, command, env, log)) {
      String url = "http://127.0.0.1:" + port + "/metrics";
      waitUntil(url, containers);
      for (int i = 0; i < 20; i++) {
        scrape(url); // warm-up
      }
      long cpuBefore = cpuTicks(p.pid());
      long callsBefore = calls.get();
      double[] ms = new double[scrapes];
      for (int i = 0; i < scrapes; i++) {
        long t0 = System.nanoTime();
        scrape(url);
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      double apiPerScrape = (calls.get() - callsBefore) / (double) scrapes;
      double cpu = (cpuTicks(p.pid()) - cpuBefore) / 100.0;
      long rss = rssKib(p.pid());
      Arrays.sort(ms);
      return String.format(
          Locale.ROOT,
          "| %d | %s | `%s` | %.2f | %.2f | %.1f | %.2f | %.0f |%n",
          containers,
          method,
          String.join(" ", flags),
          ms[scrapes / 2],
          ms[(int) Math.ceil(scrapes * 0.99) - 1],
          apiPerScrape,
          cpu,
          rss / 1024.0);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** A flag-set token that is an environment variable, not a JVM flag: {@code NAME=value}. */
  private static boolean isEnv(String token) {
    return token.matches("[A-Z_][A-Z0-9_]*=.*");
  }

  /**
   * Time from a container's exit (Docker's FinishedAt) to the first scrape whose exit count shows
   * it.
   */
  private static String deathToMetric(PrivateDockerDaemon docker, Path jar) throws Exception {
    int port = Ports.freeLoopbackPort();
    Path log = Files.createTempFile("bench-", ".log");
    List<Double> delays = new ArrayList<>();
    try (ManagedProcess p =
        ManagedProcess.start(
            "exporter",
            List.of(
                "java",
                "-jar",
                jar.toString(),
                "--docker.host",
                docker.dockerHost(),
                "--web.listen-address",
                "127.0.0.1:" + port),
            Map.of(),
            log)) {
      String url = "http://127.0.0.1:" + port + "/metrics";
      waitUntil(url, 1);
      for (int i = 0; i < 10; i++) {
        String id =
            docker.run(
                "--name",
                "death-" + i,
                PrivateDockerDaemon.BUSYBOX,
                "sh",
                "-c",
                "sleep 0.5; exit 3");
        String id12 = id.substring(0, 12);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Instant seen = null;
        while (System.nanoTime() < deadline) {
          if (Exposition.parse(scrape(url))
              .find("docker_container_exits_total", "id", id12, "reason", "error")
              .isPresent()) {
            seen = Instant.now();
            break;
          }
          Thread.sleep(2);
        }
        Instant finished =
            Instant.parse(docker.dockerOk("inspect", "-f", "{{.State.FinishedAt}}", id));
        delays.add(Duration.between(finished, seen).toNanos() / 1e6);
      }
    } finally {
      Files.deleteIfExists(log);
    }
    delays.sort(Double::compare);
    return String.format(
        Locale.ROOT,
        "Death to metric over %d exits (scraping every 2 ms): median %.0f ms, max %.0f ms%n",
        delays.size(),
        delays.get(delays.size() / 2),
        delays.get(delays.size() - 1));
  }

  private static void waitUntil(String url, int containers) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        long n = Exposition.parse(scrape(url)).samples("docker_container_info").size();
        if (n >= containers) {
          return;
        }
      } catch (RuntimeException e) {
        // not up yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(url + " never showed " + containers + " containers");
  }

  static String scrape(String url) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime, in clock ticks (100 Hz)
  }

  private static long rssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /**
   * Creates (and maybe starts) a container through the Engine API: faster than a CLI process each.
   */
  private static void createContainer(PrivateDockerDaemon docker, String name, boolean start)
      throws IOException {
    String body =
        "{\"Image\":\""
            + PrivateDockerDaemon.BUSYBOX
            + "\",\"Cmd\":[\"sleep\",\"3600\"],"
            + "\"HostConfig\":{\"NetworkMode\":\"none\"},\"Labels\":{\"com.docker.compose.project\":\"bench\","
            + "\"com.docker.compose.service\":\"svc"
            + (name.hashCode() & 15)
            + "\"}}";
    JsonNode created =
        new ObjectMapper().readTree(post(docker.socket(), "/containers/create?name=" + name, body));
    if (start) {
      post(docker.socket(), "/containers/" + created.path("Id").asText() + "/start", "");
    }
  }

  private static String post(Path socket, String path, String body) throws IOException {
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ch.write(
          ByteBuffer.wrap(
              ("POST "
                      + path
                      + " HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n"
                      + "Content-Length: "
                      + b.length
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII)));
      ch.write(ByteBuffer.wrap(b));
      var in = java.nio.channels.Channels.newInputStream(ch);
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!response.startsWith("HTTP/1.1 2")) {
        throw new IOException(path + ": " + response.lines().findFirst().orElse(""));
      }
      int start = response.indexOf("{");
      return start < 0 ? "{}" : response.substring(start, response.lastIndexOf('}') + 1);
    }
  }

  /**
   * The method of polling exporters: on every scrape, list all containers and inspect each, then
   * render. Same Engine client and the same rendering, so only the method differs.
   */
  static final class PollingBaseline {
    static void serve(String dockerHost, int port) throws Exception {
      EngineClient engine =
          new EngineClient(DockerEndpoint.parse(dockerHost), Duration.ofSeconds(30));
      OriginClassifier origins = new OriginClassifier(List.of(), List.of());
      SelfStats stats = new SelfStats();
      com.sun.net.httpserver.HttpServer server =
          com.sun.net.httpserver.HttpServer.create(
              new java.net.InetSocketAddress("127.0.0.1", port), 16);
      server.createContext(
          "/metrics",
          exchange -> {
            try {
              FleetModel model = new FleetModel();
              List<ContainerInfo> infos = new ArrayList<>();
              for (String id : engine.containerIds()) {
                try {
                  infos.add(engine.inspect(id));
                } catch (EngineException e) {
                  if (!e.isNotFound()) {
                    throw e;
                  }
                }
              }
              infos.forEach(model::upsert);
              model.setUp(true);
              var registry = new io.prometheus.metrics.model.registry.PrometheusRegistry();
              registry.register(
                  new FleetCollector(
                      model,
                      () -> model.view(DeclaredState.EMPTY, origins),
                      stats,
                      100_000,
                      List.of()));
              var out = new java.io.ByteArrayOutputStream();
              new io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter(false)
                  .write(out, registry.scrape());
              exchange.sendResponseHeaders(200, out.size());
              exchange.getResponseBody().write(out.toByteArray());
            } catch (Exception e) {
              exchange.sendResponseHeaders(500, -1);
            } finally {
              exchange.close();
            }
          });
      server.start();
      Thread.currentThread().join();
    }
  }
}
