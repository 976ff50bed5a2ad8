package io.opspulse.webconfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@code tls_server_config}, with relative file names already resolved against the web-config
 * file's folder (as exporter-toolkit does). The certificate, key and client CA each come from a
 * file or inline PEM text; a {@link PemSource} holds whichever was given.
 *
 * @param cipherSuites TLS 1.2 cipher suites by their IANA names (Go and JSSE share them); empty:
 *     the JVM's defaults. TLS 1.3 suites are not configurable, as in Go.
 * @param clientAllowedSans SAN values a client certificate must carry one of; empty: no SAN check
 */
public record TlsServerConfig(
    PemSource certificate,
    PemSource key,
    ClientAuth clientAuth,
    Optional<PemSource> clientCa,
    TlsVersion minVersion,
    TlsVersion maxVersion,
    List<String> cipherSuites,
    boolean preferServerCipherSuites,
    List<String> clientAllowedSans) {

  public TlsServerConfig {
    cipherSuites = List.copyOf(cipherSuites);
    clientAllowedSans = List.copyOf(clientAllowedSans);
  }

  /**
   * PEM text from a file (read when the TLS context is built) or given inline in the web-config
   * file.
   */
  public record PemSource(Optional<Path> file, @Nullable String inline, String key) {
    static PemSource ofFile(Path file, String key) {
      return new PemSource(Optional.of(file), null, key);
    }

    static PemSource ofText(String text, String key) {
      return new PemSource(Optional.empty(), text, key);
    }

    /** Where this came from, for messages: the file, or the key the text was inline under. */
    public String describe() {
      return file.map(f -> key + "_file " + f).orElse(key + " (inline)");
    }

    @Override
    public String toString() {
      return describe(); // never the inline text: it may be a private key
    }
  }
}
