package io.opspulse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A docker-socket-proxy in front of a Docker daemon's socket: Debian's nginx, owned by the test
 * (its own prefix, configuration, pid and log files in a temporary folder, {@code daemon off},
 * stopped by its pid), listening on a unix socket of its own. It lets through only what a
 * monitoring agent needs: {@code GET}/{@code HEAD} on {@code /_ping}, {@code /version}, {@code
 * /info}, {@code /containers/json}, {@code /containers/{id}/json} and {@code /events}, with or
 * without an API version prefix; everything else gets 403. The event stream passes unbuffered.
 *
 * <pre>{@code
 * try (PrivateDockerDaemon daemon = PrivateDockerDaemon.start().withBusybox();
 *      DockerSocketProxy proxy = DockerSocketProxy.start(daemon.socket())) {
 *   String dockerHost = proxy.dockerHost();            // unix:///tmp/odp-.../docker-proxy.sock
 *   proxy.docker(List.of("ps"));                         // allowed
 *   proxy.docker(List.of("rm", "-f", id));               // exit 1, 403
 *   proxy.requests();                                    // ["GET /v1.41/containers/json 200", ...]
 * }
 * }</pre>
 */
public final class DockerSocketProxy implements AutoCloseable {
  /**
   * The read-only Engine API paths let through (after an optional /vX.Y prefix), as an nginx regex.
   */
  public static final String ALLOWED_PATHS =
      "^(/v[0-9]+\\.[0-9]+)?/(_ping|version|info|events|containers/json|containers/[a-zA-Z0-9][a-zA-Z0-9_.-]*/json)$";

  private final Path root;
  private final ManagedProcess nginx;

  private DockerSocketProxy(Path root, ManagedProcess nginx) {
    this.root = root;
    this.nginx = nginx;
  }

  /**
   * Starts nginx in front of {@code upstream} (a daemon's socket) and waits until it answers
   * /_ping.
   */
  public static DockerSocketProxy start(Path upstream) {
    String binary =
        Stream.of("/usr/sbin/nginx", "/usr/bin/nginx")
            .filter(p -> Files.isExecutable(Path.of(p)))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "nginx not found: install Debian's nginx-light (apt-get install -y nginx-light)"));
    try {
      Path root =
          Files.createTempDirectory(
              Path.of("/tmp"), "odp-"); // short: unix socket paths are limited
      for (String d : List.of("logs", "temp")) {
        Files.createDirectories(root.resolve(d));
      }
      Path conf = root.resolve("nginx.conf");
      Files.writeString(
          conf, nginxConfig(root, upstream, "root".equals(System.getProperty("user.name"))));
      ManagedProcess process =
          ManagedProcess.start(
              "nginx docker-socket-proxy",
              List.of(
                  binary,
                  "-p",
                  root + "/",
                  "-c",
                  conf.toString(),
                  "-e",
                  root.resolve("logs/error.log").toString()),
              Map.of(),
              root.resolve("logs/nginx.out"));
      DockerSocketProxy proxy = new DockerSocketProxy(root, process);
      try {
        Poll.untilTrue(
            "nginx docker-socket-proxy at " + proxy.socket() + " to answer",
            Duration.ofSeconds(30),
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    "nginx exited: " + process.logTail(20) + "\n" + proxy.errorLog());
              }
              return Files.exists(proxy.socket()) && proxy.curl("GET", "/_ping").startsWith("200");
            });
      } catch (RuntimeException | AssertionError e) {
        proxy.close();
        throw e;
      }
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a proxy in front of {@code daemon}'s socket. */
  public static DockerSocketProxy start(PrivateDockerDaemon daemon) {
    return start(daemon.socket());
  }

  /**
   * The nginx configuration: also what SECURITY.md shows for production (there with {@code user}
   * set to an unprivileged account in the docker group and the paths of the host).
   */
  static String nginxConfig(Path root, Path upstream, boolean asRoot) {
    return (asRoot ? "user root root;\n" : "")
        + """
        daemon off;
        master_process on;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/logs/error.log warn;
        events { worker_connections 256; }
        http {
          log_format opspulse '$request_method $request_uri $status';
          access_log %1$s/logs/access.log opspulse;
          client_body_temp_path %1$s/temp/body;
          proxy_temp_path %1$s/temp/proxy;
          fastcgi_temp_path %1$s/temp/fastcgi;
          uwsgi_temp_path %1$s/temp/uwsgi;
          scgi_temp_path %1$s/temp/scgi;
          server_tokens off;
          default_type application/json;
          upstream docker { server unix:%2$s; }
          server {
            listen unix:%1$s/docker-proxy.sock;
            client_max_body_size 0;
            # The path as sent must be the path as checked: no escapes, no dot segments, no empty segments.
            if ($request_uri ~ "^[^?]*(%%|/\\.|//)") { return 403 '{"message":"docker-socket-proxy: forbidden path"}\\n'; }
            location ~ "%3$s" {
              limit_except GET { deny all; }  # GET includes HEAD
              proxy_pass http://docker;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_set_header Upgrade "";
              proxy_buffering off;        # /events streams: pass each event on as it comes
              proxy_request_buffering off;
              proxy_read_timeout 24h;     # an idle event stream is normal
              proxy_send_timeout 60s;
            }
            location / { return 403 '{"message":"docker-socket-proxy: forbidden"}\\n'; }
          }
        }
        """
            .formatted(root, upstream, ALLOWED_PATHS);
  }

  /** The proxy's unix socket. */
  public Path socket() {
    return root.resolve("docker-proxy.sock");
  }

  /** The value for DOCKER_HOST (or the exporter's --docker.host). */
  public String dockerHost() {
    return "unix://" + socket();
  }

  /** nginx's master pid. */
  public long pid() {
    return nginx.pid();
  }

  /** Runs the docker CLI against the proxy. */
  public CommandResult docker(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("docker");
    cmd.addAll(args);
    return Commands.run(cmd, Map.of("DOCKER_HOST", dockerHost()), null, Duration.ofSeconds(60));
  }

  /** One request through the proxy with curl, the path sent exactly as written: "STATUS BODY". */
  public String curl(String method, String pathAndQuery) {
    CommandResult r =
        Commands.run(
            List.of(
                "curl",
                "-sS",
                "--path-as-is",
                "--max-time",
                "10",
                "-X",
                method,
                "--unix-socket",
                socket().toString(),
                "-o",
                "-",
                "-w",
                "\n%{http_code}",
                "http://docker" + pathAndQuery),
            Map.of(),
            null,
            Duration.ofSeconds(20));
    String out = r.stdout();
    int nl = out.lastIndexOf('\n');
    return nl < 0 ? out : out.substring(nl + 1) + " " + out.substring(0, nl).strip();
  }

  /** Every request the proxy saw, as "METHOD URI STATUS", oldest first. */
  public List<String> requests() {
    try {
      Path log = root.resolve("logs/access.log");
      return Files.exists(log) ? Files.readAllLines(log) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String errorLog() {
    try {
      Path log = root.resolve("logs/error.log");
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /**
   * Stops nginx by its pid (SIGTERM to the master, which stops its worker) and removes the folder.
   */
  @Override
  public void close() {
    nginx.stop(Duration.ofSeconds(10));
    Commands.run(List.of("rm", "-rf", root.toString()), Map.of(), null, Duration.ofSeconds(30));
  }

  @Override
  public String toString() {
    return "docker-socket-proxy at " + socket() + " (nginx pid " + pid() + ")";
  }
}
