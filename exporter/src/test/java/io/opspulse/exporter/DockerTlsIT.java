package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.Commands;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import io.opspulse.testkit.PrivateDockerDaemon;
import io.opspulse.testkit.exposition.Exposition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tcp://} with TLS client certificates, as DOCKER_CERT_PATH and DOCKER_TLS_VERIFY set it up.
 */
class DockerTlsIT {

  @Test
  void theExporterReachesATlsVerifyingEngineWithItsClientCertificateAndOnlyWithIt(@TempDir Path dir)
      throws Exception {
    Path certs = Files.createDirectories(dir.resolve("certs"));
    Path strangers = Files.createDirectories(dir.resolve("strangers"));
    makeCertificates(certs, "opspulse test CA");
    makeCertificates(strangers, "some other CA");
    int port = Ports.freeLoopbackPort();
    try (PrivateDockerDaemon docker =
        PrivateDockerDaemon.start(
                List.of(
                    "-H",
                    "tcp://127.0.0.1:" + port,
                    "--tlsverify",
                    "--tlscacert",
                    certs.resolve("ca.pem").toString(),
                    "--tlscert",
                    certs.resolve("server-cert.pem").toString(),
                    "--tlskey",
                    certs.resolve("server-key.pem").toString()))
            .withBusybox()) {
      String id12 =
          docker
              .run("--name", "over-tls", PrivateDockerDaemon.BUSYBOX, "sleep", "300")
              .substring(0, 12);
      ExporterConfig.Builder base =
          ExporterConfig.builder()
              .dockerHost("tcp://127.0.0.1:" + port)
              .listenAddress("127.0.0.1:0")
              .gpuEnabled(false)
              .dockerTlsVerify(true);
      try (Exporter exporter = new Exporter(base.dockerCertPath(certs).build()).start()) {
        String url = "http://127.0.0.1:" + exporter.port() + "/metrics";
        Poll.untilTrue(
            "the container seen over TLS",
            Duration.ofSeconds(60),
            () -> Exposition.scrape(url).find("docker_container_info", "id", id12).isPresent());
        assertThat(Exposition.scrape(url).find("docker_up")).contains(1.0);
      }
      // A client certificate from another CA is refused by the engine: docker_up stays 0, nothing
      // is served from it.
      try (Exporter exporter =
          new Exporter(base.dockerCertPath(strangers).dockerTlsVerify(false).build()).start()) {
        String url = "http://127.0.0.1:" + exporter.port() + "/metrics";
        Poll.untilTrue(
            "API errors from the refused handshake",
            Duration.ofSeconds(30),
            () ->
                Exposition.scrape(url)
                        .find("opspulse_exporter_docker_api_errors_total", "operation", "info")
                        .orElse(0.0)
                    > 0);
        Exposition m = Exposition.scrape(url);
        assertThat(m.find("docker_up")).contains(0.0);
        assertThat(m.find("docker_container_info", "id", id12)).isEmpty();
      }
    }
  }

  /**
   * A CA, a server certificate for 127.0.0.1 and a client certificate, with Docker's file names.
   */
  private static void makeCertificates(Path dir, String caName) {
    String script =
        String.join(
            "\n",
            "set -e",
            "cd '" + dir + "'",
            "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN="
                + caName
                + "' -keyout ca-key.pem -out ca.pem",
            "openssl req -newkey rsa:2048 -nodes -subj '/CN=127.0.0.1' -keyout server-key.pem -out server.csr",
            "printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > server.ext",
            "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile server.ext -out server-cert.pem",
            "openssl req -newkey rsa:2048 -nodes -subj '/CN=opspulse-exporter' -keyout key.pem -out client.csr",
            "printf 'extendedKeyUsage=clientAuth\\n' > client.ext",
            "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile client.ext -out cert.pem");
    Commands.run(List.of("bash", "-c", script), Map.of(), null, Duration.ofSeconds(60))
        .orThrow("openssl");
  }
}
