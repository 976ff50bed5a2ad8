package io.opspulse.webconfig;

import io.opspulse.webconfig.TlsServerConfig.PemSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Turns a {@link TlsServerConfig} into an {@link SSLContext} and the per-connection {@link
 * SSLParameters}.
 */
final class TlsContexts {
  private TlsContexts() {}

  /** Cipher suites this JVM can enable, by IANA name. */
  static Set<String> supportedCipherSuites() {
    try {
      return new LinkedHashSet<>(
          Arrays.asList(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context in this JVM", e);
    }
  }

  static SSLContext sslContext(String configName, TlsServerConfig tls) {
    ServerKeyManager keys = new ServerKeyManager(configName, tls.certificate(), tls.key());
    TrustManager[] trust = null;
    if (tls.clientAuth().requested()) {
      X509TrustManager tm =
          tls.clientAuth().verified()
              ? caTrustManager(configName, tls.clientCa().orElseThrow())
              : new AnyClientCertificate();
      if (!tls.clientAllowedSans().isEmpty()) {
        tm = new AllowedSans(tm, tls.clientAllowedSans());
      }
      trust = new TrustManager[] {tm};
    }
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new javax.net.ssl.KeyManager[] {keys}, trust, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new WebConfigException(
          configName + ": tls_server_config: cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** What every connection gets: protocols, suites, suite order, client certificate policy. */
  static SSLParameters parameters(SSLContext context, TlsServerConfig tls) {
    SSLParameters p = context.getDefaultSSLParameters();
    Set<String> supported =
        new LinkedHashSet<>(Arrays.asList(context.getSupportedSSLParameters().getProtocols()));
    List<String> protocols = new ArrayList<>();
    for (TlsVersion v : TlsVersion.values()) {
      if (v.compareTo(tls.minVersion()) >= 0
          && v.compareTo(tls.maxVersion()) <= 0
          && supported.contains(v.protocol())) {
        protocols.add(v.protocol());
      }
    }
    p.setProtocols(protocols.toArray(String[]::new));
    if (!tls.cipherSuites().isEmpty()) {
      // As in Go, cipher_suites governs TLS 1.2 and below; TLS 1.3 keeps the JVM's suites.
      Set<String> suites = new LinkedHashSet<>(tls.cipherSuites());
      if (tls.maxVersion() == TlsVersion.TLS13) {
        Arrays.stream(context.getDefaultSSLParameters().getCipherSuites())
            .filter(TlsContexts::isTls13Suite)
            .forEach(suites::add);
      }
      p.setCipherSuites(suites.toArray(String[]::new));
    }
    p.setUseCipherSuitesOrder(tls.preferServerCipherSuites());
    if (tls.clientAuth().required()) {
      p.setNeedClientAuth(true);
    } else if (tls.clientAuth().requested()) {
      p.setWantClientAuth(true);
    } else {
      p.setNeedClientAuth(false);
    }
    return p;
  }

  static boolean isTls13Suite(String suite) {
    return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_");
  }

  static String read(String configName, PemSource source) {
    if (source.file().isEmpty()) {
      return Objects.requireNonNull(source.inline(), "a PemSource without a file is inline text");
    }
    try {
      return Files.readString(source.file().get(), StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw new WebConfigException(
          configName
              + ": tls_server_config."
              + source.key()
              + "_file: cannot read "
              + source.file().get()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The certificate chain and the key, checked to belong together (Go's X509KeyPair does the same).
   */
  static ServerKeyManager.Material material(
      String configName, PemSource certSource, PemSource keySource) {
    List<X509Certificate> chain;
    try {
      chain = Pem.certificates(read(configName, certSource));
    } catch (IllegalArgumentException e) {
      throw e instanceof WebConfigException
          ? e
          : new WebConfigException(
              configName + ": tls_server_config." + certSource.describe() + ": " + e.getMessage());
    }
    PrivateKey key;
    try {
      key = Pem.privateKey(read(configName, keySource));
    } catch (IllegalArgumentException e) {
      throw e instanceof WebConfigException
          ? e
          : new WebConfigException(
              configName + ": tls_server_config." + keySource.describe() + ": " + e.getMessage());
    }
    if (!belongTogether(key, chain.get(0).getPublicKey())) {
      throw new WebConfigException(
          configName
              + ": tls_server_config: the private key ("
              + keySource.describe()
              + ") does not match the certificate ("
              + certSource.describe()
              + ")");
    }
    return new ServerKeyManager.Material(chain.toArray(X509Certificate[]::new), key);
  }

  private static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm(); // Ed25519, Ed448
        };
    try {
      byte[] probe = "opspulse key pair check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static X509TrustManager caTrustManager(String configName, PemSource ca) {
    List<X509Certificate> cas;
    try {
      cas = Pem.certificates(read(configName, ca));
    } catch (IllegalArgumentException e) {
      throw e instanceof WebConfigException
          ? e
          : new WebConfigException(
              configName + ": tls_server_config." + ca.describe() + ": " + e.getMessage());
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("client-ca-" + i, cas.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      return Arrays.stream(factory.getTrustManagers())
          .filter(X509TrustManager.class::isInstance)
          .map(X509TrustManager.class::cast)
          .findFirst()
          .orElseThrow();
    } catch (GeneralSecurityException | IOException e) {
      throw new WebConfigException(
          configName + ": tls_server_config." + ca.describe() + ": " + e.getMessage(), e);
    }
  }

  /** RequestClientCert and RequireAnyClientCert: any certificate, unverified, as in Go. */
  static final class AnyClientCertificate implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      // accepted unverified by definition of these modes
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a server never checks server certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /** client_allowed_sans: the client's leaf certificate must carry one of the listed SAN values. */
  static final class AllowedSans implements X509TrustManager {
    private final X509TrustManager delegate;
    private final List<String> allowed;

    AllowedSans(X509TrustManager delegate, List<String> allowed) {
      this.delegate = delegate;
      this.allowed = List.copyOf(allowed);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
      if (chain == null || chain.length == 0) {
        throw new CertificateException(
            "client did not present a certificate to match against client_allowed_sans");
      }
      if (!matches(chain[0], allowed)) {
        throw new CertificateException(
            "client certificate carries none of the allowed SANs " + allowed);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }

    /**
     * DNS names, e-mail addresses and URIs compare as text; IP addresses as addresses ("::1" =
     * "0:0:0:0:0:0:0:1").
     */
    static boolean matches(X509Certificate cert, List<String> allowed)
        throws CertificateParsingException {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans == null) {
        return false;
      }
      for (List<?> san : sans) {
        int type = (Integer) san.get(0);
        String value = String.valueOf(san.get(1));
        for (String a : allowed) {
          if (type == 7) {
            Optional<InetAddress> want = ipLiteral(a);
            Optional<InetAddress> have = ipLiteral(value);
            if (want.isPresent() && want.equals(have)) {
              return true;
            }
          } else if ((type == 1 || type == 2 || type == 6) && a.equals(value)) {
            return true;
          }
        }
      }
      return false;
    }
  }

  private static final java.util.regex.Pattern IPV4 =
      java.util.regex.Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)");

  /** An IP literal parsed without any name lookup; empty for anything else. */
  static Optional<InetAddress> ipLiteral(String text) {
    if (!IPV4.matcher(text).matches() && !(text.contains(":") && text.matches("[0-9a-fA-F:.]+"))) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(text)); // a literal: InetAddress does not resolve it
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
