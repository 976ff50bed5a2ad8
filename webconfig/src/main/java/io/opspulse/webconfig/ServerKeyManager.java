package io.opspulse.webconfig;

import io.opspulse.webconfig.TlsServerConfig.PemSource;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jspecify.annotations.Nullable;

/**
 * The server's one certificate and key. Like exporter-toolkit, which reads the files again on every
 * handshake, it notices when cert_file or key_file changed (size or modification time, checked per
 * handshake: a stat, not a read) and loads them again, so a renewed certificate is served without a
 * restart. A pair that fails to load (a half-written file, a key not matching yet) is logged and
 * the previous pair stays in use.
 */
final class ServerKeyManager extends X509ExtendedKeyManager {
  private static final Logger LOG = Logger.getLogger(ServerKeyManager.class.getName());
  private static final String ALIAS = "server-";

  record Material(X509Certificate[] chain, PrivateKey key) {}

  /**
   * A loaded pair and its generation: the alias names the generation, so a handshake that straddles
   * a reload keeps one pair.
   */
  private record Generation(long number, Material material) {}

  private record Stamp(List<String> parts) {}

  private final String configName;
  private final PemSource cert;
  private final PemSource key;
  private volatile Generation current;
  private volatile Generation previous;
  private volatile Stamp stamp;

  ServerKeyManager(String configName, PemSource cert, PemSource key) {
    this.configName = configName;
    this.cert = cert;
    this.key = key;
    this.stamp = stamp();
    this.current = new Generation(0, TlsContexts.material(configName, cert, key));
    this.previous = current;
  }

  private Stamp stamp() {
    List<String> parts = new ArrayList<>();
    for (PemSource s : List.of(cert, key)) {
      if (s.file().isPresent()) {
        Path f = s.file().get();
        try {
          BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
          parts.add(f + "@" + a.lastModifiedTime().toMillis() + "/" + a.size() + "/" + a.fileKey());
        } catch (IOException e) {
          parts.add(f + "@missing");
        }
      }
    }
    return new Stamp(parts);
  }

  private Generation current() {
    Stamp now = stamp();
    if (!Objects.equals(now, stamp)) {
      synchronized (this) {
        if (!Objects.equals(now, stamp)) {
          try {
            Generation next =
                new Generation(current.number() + 1, TlsContexts.material(configName, cert, key));
            previous = current;
            current = next;
            LOG.info(
                "reloaded the TLS certificate and key from "
                    + cert.describe()
                    + " and "
                    + key.describe());
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "keeping the previous TLS certificate: " + e.getMessage());
          }
          stamp = now;
        }
      }
    }
    return current;
  }

  private @Nullable Material material(@Nullable String alias) {
    if (alias == null || !alias.startsWith(ALIAS)) {
      return null;
    }
    Generation c = current;
    Generation p = previous;
    String number = alias.substring(ALIAS.length());
    return number.equals(Long.toString(c.number()))
        ? c.material()
        : number.equals(Long.toString(p.number())) ? p.material() : null;
  }

  @Override
  public @Nullable String chooseEngineServerAlias(
      @Nullable String keyType, Principal[] issuers, SSLEngine engine) {
    return chooseServerAlias(keyType, issuers, null);
  }

  @Override
  public @Nullable String chooseServerAlias(
      @Nullable String keyType, Principal[] issuers, @Nullable Socket socket) {
    // JSSE asks once per acceptable key type; answer for the one our key has.
    Generation g = current();
    return keyType == null || keyTypeMatches(keyType, g.material().key().getAlgorithm())
        ? ALIAS + g.number()
        : null;
  }

  private static boolean keyTypeMatches(String keyType, String algorithm) {
    return keyType.equals(algorithm)
        || keyType.startsWith(algorithm + "_")
        || (algorithm.equals("EC") && keyType.startsWith("EC"))
        || (algorithm.equals("RSA") && keyType.equals("RSASSA-PSS"))
        || (keyType.equals("EdDSA") && algorithm.startsWith("Ed"));
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS + current.number()};
  }

  @Override
  public X509Certificate @Nullable [] getCertificateChain(@Nullable String alias) {
    Material m = material(alias);
    return m == null ? null : m.chain().clone();
  }

  @Override
  public @Nullable PrivateKey getPrivateKey(@Nullable String alias) {
    Material m = material(alias);
    return m == null ? null : m.key();
  }

  @Override
  public String @Nullable [] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public @Nullable String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
