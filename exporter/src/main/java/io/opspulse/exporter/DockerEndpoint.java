package io.opspulse.exporter;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where the Docker Engine API listens, parsed from {@code DOCKER_HOST} conventions: {@code
 * unix:///path/docker.sock} (the default) or {@code tcp://host:port}.
 */
record DockerEndpoint(@Nullable Path socket, @Nullable String host, int port) {
  static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

  static DockerEndpoint parse(@Nullable String dockerHost) {
    String value = dockerHost == null || dockerHost.isBlank() ? DEFAULT_HOST : dockerHost.strip();
    if (value.startsWith("unix://")) {
      String path = value.substring("unix://".length());
      if (path.isEmpty()) {
        throw new IllegalArgumentException("docker host '" + value + "': no socket path");
      }
      return new DockerEndpoint(Path.of(path), null, 0);
    }
    if (value.startsWith("tcp://")) {
      URI uri = URI.create(value);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("docker host '" + value + "': no host name");
      }
      return new DockerEndpoint(null, uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 2375);
    }
    throw new IllegalArgumentException(
        "docker host '" + value + "': only unix:// and tcp:// are supported");
  }

  static DockerEndpoint fromEnvironment(Map<String, String> env) {
    return parse(env.get("DOCKER_HOST"));
  }

  boolean isUnix() {
    return socket != null;
  }

  @Override
  public String toString() {
    return isUnix() ? "unix://" + socket : "tcp://" + host + ":" + port;
  }
}
