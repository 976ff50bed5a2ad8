package io.opspulse.exporter;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.opspulse.testkit.PrivateDockerDaemon;
import java.net.URI;

/**
 * docker-java as a test's own Engine API client, for what the CLI cannot send: labels with a NUL or
 * a megabyte, hundreds of containers created quickly.
 */
final class EngineApi {
  private EngineApi() {}

  static DockerClient client(PrivateDockerDaemon docker) {
    URI host = URI.create(docker.dockerHost());
    return DockerClientImpl.getInstance(
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(host.toString())
            .build(),
        new ZerodepDockerHttpClient.Builder().dockerHost(host).build());
  }
}
