package io.opspulse.webconfig;

import io.opspulse.testkit.TestPki;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/** JDK HttpClients for the tests: trusting the test CA, with or without a client certificate. */
final class TlsClients {
  private TlsClients() {}

  static HttpClient client(TestPki pki, String clientCertName, String... protocols)
      throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", Pem.certificates(Files.readString(pki.file("ca.crt"))).get(0));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (clientCertName != null) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      List<X509Certificate> chain =
          Pem.certificates(Files.readString(pki.file(clientCertName + ".crt")));
      keys.setKeyEntry(
          "client",
          Pem.privateKey(Files.readString(pki.file(clientCertName + ".key"))),
          new char[0],
          chain.toArray(X509Certificate[]::new));
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .sslContext(context)
            .connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1);
    if (protocols.length > 0) {
      SSLParameters p = context.getDefaultSSLParameters();
      p.setProtocols(protocols);
      b.sslParameters(p);
    }
    return b.build();
  }

  static Path write(Path dir, String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }
}
