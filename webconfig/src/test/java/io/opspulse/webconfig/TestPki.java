package io.opspulse.webconfig;

import io.opspulse.testkit.Commands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Certificates the tests make with Debian's openssl: a CA, server certificates for 127.0.0.1 with RSA
 * and EC keys in every PEM key format Go accepts, and client certificates from the CA and from a
 * stranger CA.
 */
final class TestPki {
  final Path dir;

  private TestPki(Path dir) {
    this.dir = dir;
  }

  static TestPki create(Path dir) {
    TestPki pki = new TestPki(dir);
    pki.ca("ca");
    pki.ca("stranger-ca");
    pki.leaf("server", "ca", "rsa", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    pki.leaf("server-ec", "ca", "ec", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    pki.leaf("client", "ca", "rsa", "subjectAltName=DNS:prometheus.example,URI:spiffe://opspulse/prometheus\nextendedKeyUsage=clientAuth\n");
    pki.leaf("stranger", "stranger-ca", "rsa", "subjectAltName=DNS:prometheus.example\nextendedKeyUsage=clientAuth\n");
    // The other key encodings of the same keys.
    pki.openssl("rsa", "-in", "server.key", "-traditional", "-out", "server-pkcs1.key");
    pki.openssl("pkey", "-in", "server-ec.key", "-out", "server-ec-pkcs8.key");
    return pki;
  }

  Path file(String name) {
    return dir.resolve(name);
  }

  private void ca(String name) {
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".crt",
        "-days", "2", "-subj", "/CN=opspulse test " + name);
  }

  /** An RSA key in PKCS#8, or an EC P-256 key in SEC 1 with its EC PARAMETERS block, as openssl ecparam writes. */
  private void leaf(String name, String ca, String keyType, String extensions) {
    try {
      if (keyType.equals("ec")) {
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", name + ".key");
      } else {
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", name + ".key");
      }
      openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
      Files.writeString(dir.resolve(name + ".ext"), "basicConstraints=CA:FALSE\n" + extensions);
      openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key", "-CAcreateserial",
          "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void openssl(String... args) {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    List<String> inDir = List.of("sh", "-c", "cd \"$0\" && exec \"$@\"", dir.toString());
    List<String> full = new ArrayList<>(inDir);
    full.addAll(cmd);
    Commands.run(full, Map.of(), null, Duration.ofSeconds(60)).orThrow(String.join(" ", cmd));
  }
}
