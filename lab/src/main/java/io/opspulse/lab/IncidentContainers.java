package io.opspulse.lab;

import io.opspulse.testkit.CommandResult;
import io.opspulse.testkit.Commands;
import io.opspulse.testkit.PrivateDockerDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The reports' container incidents, re-created with busybox on the lab's private daemon (no
 * network: every container runs with {@code network_mode: none}). Images are busybox tagged with
 * the reports' image names; the commands fail for the reports' reasons (an agent runs {@code pip
 * install} in an image without pip, so it exits 127 like the 60 agents of report 003).
 */
final class IncidentContainers {
  static final String PROJECT = "sutazai";

  /** Name globs the exporter is told are deprecated, as an operator would after report 000. */
  static final List<String> DEPRECATED_NAMES = List.of("postgres-mcp*", "puppeteer-mcp*");

  static final List<String> NEVER_STARTED = List.of("consul", "kong", "rabbitmq");
  static final List<String> AGENTS =
      List.of("ai-agent-orchestrator", "system-architect", "deployment-automation-master");
  static final int ANONYMOUS_MCP = 9;
  static final int EXITED_LEFT_BEHIND = 11;

  private static final List<String> IMAGES =
      List.of(
          "mcp/fetch",
          "mcp/duckduckgo",
          "mcp/sequentialthinking",
          "crystaldba/postgres-mcp",
          "mcp/puppeteer",
          "sutazai/agent",
          "sutazai/backend",
          "sutazai/api",
          "ollama/ollama",
          "postgres:16-alpine",
          "redis:7-alpine",
          "qdrant/qdrant",
          "chromadb/chroma",
          "sutazai/webui",
          "sutazai/worker");

  private final PrivateDockerDaemon daemon;
  private final Path composeDir;
  private final Consumer<String> progress;

  IncidentContainers(PrivateDockerDaemon daemon, Path composeDir, Consumer<String> progress) {
    this.daemon = daemon;
    this.composeDir = composeDir;
    this.progress = progress;
  }

  Path composeFile() {
    return composeDir.resolve("docker-compose.yml");
  }

  /**
   * Creates every incident; returns once all containers are created (loops go on by themselves).
   */
  void create() throws IOException {
    for (String image : IMAGES) {
      daemon.dockerOk("tag", PrivateDockerDaemon.BUSYBOX, image);
    }
    String[] info = daemon.dockerOk("info", "--format", "{{.NCPU}} {{.MemTotal}}").split(" ");
    int cpus = Integer.parseInt(info[0]);
    long memory = Long.parseLong(info[1]);
    Files.createDirectories(composeDir);

    // An orphan: a service the project ran once, then dropped from its file while the container
    // lived on.
    Files.writeString(composeFile(), composeYaml(cpus, memory, true));
    compose("up", "-d", "--no-color", "legacy-worker");
    Files.writeString(composeFile(), composeYaml(cpus, memory, false));
    progress.accept(
        "compose project '"
            + PROJECT
            + "': starting all services but "
            + String.join(", ", NEVER_STARTED));
    List<String> up = new ArrayList<>(List.of("up", "-d", "--no-color"));
    up.addAll(startedServices());
    compose(up.toArray(String[]::new));

    progress.accept(
        ANONYMOUS_MCP
            + " auto-named MCP containers, postgres-mcp, "
            + EXITED_LEFT_BEHIND
            + " exited containers left behind");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> runs = new ArrayList<>();
      String[] mcp = {"mcp/fetch", "mcp/duckduckgo", "mcp/sequentialthinking"};
      for (int i = 0; i < ANONYMOUS_MCP; i++) {
        String image = mcp[i % mcp.length];
        runs.add(pool.submit(() -> daemon.run(image, "sleep", "2147483647")));
      }
      runs.add(
          pool.submit(
              () ->
                  daemon.run(
                      "--name",
                      "postgres-mcp-485297-1755469768",
                      "crystaldba/postgres-mcp",
                      "sleep",
                      "2147483647")));
      for (int i = 0; i < EXITED_LEFT_BEHIND; i++) {
        String image = i == 0 ? "mcp/puppeteer" : mcp[i % mcp.length];
        List<String> args =
            i == 0 ? List.of("--name", "puppeteer-mcp", image, "true") : List.of(image, "true");
        runs.add(pool.submit(() -> daemon.run(args.toArray(String[]::new))));
      }
      for (Future<String> f : runs) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating containers", e);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException(
          "creating the lab's containers failed: " + cause.getMessage(), cause);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The host pids of ollama's processes: the "models" the simulated GPUs hold memory for. */
  List<Long> ollamaPids() {
    String id = daemon.dockerOk("ps", "-q", "--filter", "label=com.docker.compose.service=ollama");
    String pid =
        daemon.dockerOk(
            "inspect", "--format", "{{.State.Pid}}", id.lines().findFirst().orElseThrow());
    return List.of(Long.parseLong(pid));
  }

  static List<String> startedServices() {
    List<String> out =
        new ArrayList<>(
            List.of(
                "backend",
                "postgres",
                "redis",
                "ollama",
                "qdrant",
                "chromadb",
                "webui",
                "api",
                "text-analysis-agent",
                "vector-db",
                "model-loader"));
    out.addAll(AGENTS);
    return out;
  }

  private void compose(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "docker-compose",
                "--ansi",
                "never",
                "-p",
                PROJECT,
                "-f",
                composeFile().toString()));
    cmd.addAll(List.of(args));
    CommandResult r =
        Commands.run(
            cmd,
            Map.of("DOCKER_HOST", daemon.dockerHost(), "COMPOSE_HTTP_TIMEOUT", "120"),
            null,
            Duration.ofSeconds(180));
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", cmd) + " failed (" + r.exitCode() + "): " + r.stderr() + r.stdout());
    }
  }

  /**
   * The project's compose file (format 2.4: {@code cpus} and {@code mem_limit} without swarm). With
   * {@code withLegacy} it still declares legacy-worker, which the final file drops.
   */
  static String composeYaml(int hostCpus, long hostMemory, boolean withLegacy) {
    long bigMemory = hostMemory * 4 / 5;
    StringBuilder y =
        new StringBuilder(
            """
        # The incident lab's compose project: report 000-004's host in miniature. Every image is busybox
        # tagged with the real image's name; no service has a network.
        version: "2.4"
        services:
        """);
    if (withLegacy) {
      y.append(service("legacy-worker", "sutazai/worker", "[\"sleep\", \"2147483647\"]", ""));
    }
    y.append(
        service(
            "backend",
            "sutazai/backend",
            "[\"sh\", \"-c\", \"while :; do :; done\"]",
            "    cpus: 0.01\n    # uvicorn --reload in production: a file-watch loop spinning at its CPU limit\n"));
    y.append(
        service(
            "postgres", "postgres:16-alpine", "[\"sleep\", \"2147483647\"]", health("true", "5s")));
    y.append(service("redis", "redis:7-alpine", "[\"sleep\", \"2147483647\"]", ""));
    String big =
        String.format(Locale.ROOT, "    cpus: %d\n    mem_limit: %d\n", hostCpus, bigMemory);
    y.append(service("ollama", "ollama/ollama", "[\"sleep\", \"2147483647\"]", big));
    y.append(service("qdrant", "qdrant/qdrant", "[\"sleep\", \"2147483647\"]", big));
    y.append(service("chromadb", "chromadb/chroma", "[\"sleep\", \"2147483647\"]", big));
    y.append(
        service("webui", "sutazai/webui", "[\"sleep\", \"2147483647\"]", health("true", "5s")));
    y.append(
        service(
            "api",
            "sutazai/api",
            "[\"sleep\", \"2147483647\"]",
            health("python -c 'import cryptography'", "5s")));
    y.append(
        service(
            "text-analysis-agent",
            "sutazai/agent",
            "[\"sleep\", \"2147483647\"]",
            health("sleep 1", "500ms")));
    y.append(
        service(
            "vector-db",
            "qdrant/qdrant",
            "[\"sh\", \"-c\", \"dd if=/dev/zero of=/dev/shm/index bs=1M count=30 2>/dev/null; exec sleep 2147483647\"]",
            "    mem_limit: 33554432\n"));
    y.append(
        service(
            "model-loader",
            "ollama/ollama",
            "[\"sh\", \"-c\", \"x=model; while :; do x=$$x$$x; done\"]",
            "    mem_limit: 16777216\n    memswap_limit: 16777216\n    restart: on-failure\n"));
    for (String agent : AGENTS) {
      y.append(
          service(
              agent,
              "sutazai/agent",
              "[\"sh\", \"-c\", \"pip install --no-cache-dir fastapi uvicorn redis httpx && python /app/main.py\"]",
              "    restart: always\n"));
    }
    for (String infra : NEVER_STARTED) {
      y.append(service(infra, "sutazai/" + infra, "[\"sleep\", \"2147483647\"]", ""));
    }
    return y.toString();
  }

  private static String service(String name, String image, String command, String extra) {
    return "  "
        + name
        + ":\n    image: "
        + image
        + "\n    network_mode: none\n    command: "
        + command
        + "\n"
        + extra;
  }

  private static String health(String test, String timeout) {
    return "    healthcheck:\n      test: [\"CMD-SHELL\", \""
        + test
        + "\"]\n      interval: 2s\n      timeout: "
        + timeout
        + "\n      retries: 1\n";
  }
}
