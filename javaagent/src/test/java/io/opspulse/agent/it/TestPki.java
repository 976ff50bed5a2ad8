package io.opspulse.agent.it;

import io.opspulse.testkit.Commands;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Certificates made by the test with Debian's openssl, as an operator would: a CA, a server certificate
 * for 127.0.0.1 and a client certificate (also as PKCS#12, for the JDK client), both signed by the CA.
 */
final class TestPki {
  private static final char[] P12_PASSWORD = "opspulse-test".toCharArray();
  final Path dir;

  private TestPki(Path dir) {
    this.dir = dir;
  }

  static TestPki create(Path dir) throws Exception {
    Files.createDirectories(dir);
    TestPki pki = new TestPki(dir);
    pki.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
        "-subj", "/CN=opspulse agent test ca");
    pki.leaf("server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    pki.leaf("client", "subjectAltName=DNS:prometheus.example\nextendedKeyUsage=clientAuth\n");
    pki.openssl("pkcs12", "-export", "-in", "client.crt", "-inkey", "client.key", "-out", "client.p12",
        "-passout", "pass:" + new String(P12_PASSWORD));
    return pki;
  }

  Path file(String name) {
    return dir.resolve(name);
  }

  /** An HTTP/1.1 client trusting the test CA, presenting the client certificate when asked to. */
  HttpClient client(boolean withClientCertificate) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(file("ca.crt"))) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
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
    return HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  private void leaf(String name, String extensions) throws Exception {
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", name + ".key");
    openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
    Files.writeString(dir.resolve(name + ".ext"), "basicConstraints=CA:FALSE\n" + extensions);
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
  }

  private void openssl(String... args) {
    List<String> command = new ArrayList<>(List.of("sh", "-c", "cd \"$0\" && exec \"$@\"", dir.toString(), "openssl"));
    command.addAll(List.of(args));
    Commands.run(command, Map.of(), null, Duration.ofSeconds(60)).orThrow("openssl " + String.join(" ", args));
  }
}
