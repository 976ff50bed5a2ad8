package io.opspulse.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates made with Debian's openssl, as an operator would, in one directory:
 *
 * <ul>
 *   <li>{@code ca.crt}/{@code ca.key}, and a {@code stranger-ca} no server trusts;
 *   <li>{@code server.crt}/{@code server.key} (RSA, PKCS#8) for 127.0.0.1 and localhost, the same
 *       key as {@code server-pkcs1.key}; {@code server-ec.crt}/{@code server-ec.key} (P-256 in SEC
 *       1 with its EC PARAMETERS block, as openssl ecparam writes) and as {@code
 *       server-ec-pkcs8.key};
 *   <li>{@code client.crt}/{@code client.key} (DNS prometheus.example, URI
 *       spiffe://opspulse/prometheus), also as {@code client.p12} for the JDK; {@code
 *       stranger.crt}/{@code stranger.key} from the stranger CA.
 * </ul>
 */
public final class TestPki {
  private static final char[] P12_PASSWORD = "opspulse-test".toCharArray();
  private final Path dir;

  private TestPki(Path dir) {
    this.dir = dir;
  }

  /**
   * Makes every file above in {@code dir} (created if missing); a failing openssl fails with its
   * output.
   */
  public static TestPki create(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TestPki pki = new TestPki(dir);
    pki.ca("ca");
    pki.ca("stranger-ca");
    String server = "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n";
    pki.leaf("server", "ca", "rsa", server);
    pki.leaf("server-ec", "ca", "ec", server);
    pki.leaf(
        "client",
        "ca",
        "rsa",
        "subjectAltName=DNS:prometheus.example,URI:spiffe://opspulse/prometheus\nextendedKeyUsage=clientAuth\n");
    pki.leaf(
        "stranger",
        "stranger-ca",
        "rsa",
        "subjectAltName=DNS:prometheus.example\nextendedKeyUsage=clientAuth\n");
    // The other encodings of the same keys, and the client's pair for the JDK's key store.
    pki.openssl("rsa", "-in", "server.key", "-traditional", "-out", "server-pkcs1.key");
    pki.openssl("pkey", "-in", "server-ec.key", "-out", "server-ec-pkcs8.key");
    pki.openssl(
        "pkcs12",
        "-export",
        "-in",
        "client.crt",
        "-inkey",
        "client.key",
        "-out",
        "client.p12",
        "-passout",
        "pass:" + new String(P12_PASSWORD));
    return pki;
  }

  public Path dir() {
    return dir;
  }

  public Path file(String name) {
    return dir.resolve(name);
  }

  /** An HTTP/1.1 client trusting the test CA, presenting {@code client.p12} when asked to. */
  public HttpClient client(boolean withClientCertificate) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      try (InputStream in = Files.newInputStream(file("ca.crt"))) {
        trust.setCertificateEntry(
            "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (withClientCertificate) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file("client.p12"))) {
          keys.load(in, P12_PASSWORD);
        }
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, P12_PASSWORD);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return HttpClient.newBuilder()
          .sslContext(context)
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS client from " + dir, e);
    }
  }

  /** Runs openssl with {@code args} in the directory, for a test that needs one more file. */
  public void openssl(String... args) {
    List<String> command =
        new ArrayList<>(List.of("sh", "-c", "cd \"$0\" && exec \"$@\"", dir.toString(), "openssl"));
    command.addAll(List.of(args));
    Commands.run(command, Map.of(), null, Duration.ofSeconds(60))
        .orThrow("openssl " + String.join(" ", args));
  }

  private void ca(String name) {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        name + ".key",
        "-out",
        name + ".crt",
        "-days",
        "2",
        "-subj",
        "/CN=opspulse test " + name);
  }

  private void leaf(String name, String ca, String keyType, String extensions) {
    if (keyType.equals("ec")) {
      openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", name + ".key");
    } else {
      openssl(
          "genpkey",
          "-algorithm",
          "RSA",
          "-pkeyopt",
          "rsa_keygen_bits:2048",
          "-out",
          name + ".key");
    }
    openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
    try {
      Files.writeString(dir.resolve(name + ".ext"), "basicConstraints=CA:FALSE\n" + extensions);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    openssl(
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        ca + ".crt",
        "-CAkey",
        ca + ".key",
        "-CAcreateserial",
        "-out",
        name + ".crt",
        "-days",
        "2",
        "-extfile",
        name + ".ext");
  }
}
