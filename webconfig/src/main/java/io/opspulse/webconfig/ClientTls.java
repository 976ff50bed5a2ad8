package io.opspulse.webconfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS client context from PEM files, for talking to a Docker engine on {@code tcp://} the way the
 * docker CLI does with {@code DOCKER_CERT_PATH} (ca.pem, cert.pem, key.pem) and {@code
 * DOCKER_TLS_VERIFY}.
 */
public final class ClientTls {
  private ClientTls() {}

  /** The context for a Docker cert folder: ca.pem trusted, cert.pem/key.pem presented. */
  public static SSLContext fromDockerCertPath(Path certPath, boolean verifyServer) {
    return fromPemFiles(
        certPath.resolve("ca.pem"),
        certPath.resolve("cert.pem"),
        certPath.resolve("key.pem"),
        verifyServer);
  }

  /**
   * @param verifyServer check the server's certificate against {@code ca}; when false (Docker's TLS
   *     without DOCKER_TLS_VERIFY) any server certificate is accepted, the client certificate still
   *     sent
   */
  public static SSLContext fromPemFiles(Path ca, Path cert, Path key, boolean verifyServer) {
    try {
      List<X509Certificate> chain = Pem.certificates(read(cert));
      PrivateKey privateKey = Pem.privateKey(read(key));
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("client", privateKey, new char[0], chain.toArray(Certificate[]::new));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);

      TrustManager[] trust;
      if (verifyServer) {
        KeyStore cas = KeyStore.getInstance("PKCS12");
        cas.load(null, null);
        int i = 0;
        for (X509Certificate c : Pem.certificates(read(ca))) {
          cas.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(cas);
        trust = tmf.getTrustManagers();
      } else {
        trust = new TrustManager[] {new AnyServer()};
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), trust, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new WebConfigException(
          cert + ": cannot build a TLS client context: " + e.getMessage(), e);
    }
  }

  /**
   * Docker's TLS without verification: the connection is encrypted, the server not authenticated.
   */
  private static final class AnyServer implements javax.net.ssl.X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException(
          "a client context checks no client certificates");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      // accepted unverified: the operator asked for TLS without DOCKER_TLS_VERIFY
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.US_ASCII);
  }
}
