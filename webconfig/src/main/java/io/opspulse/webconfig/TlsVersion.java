package io.opspulse.webconfig;

import java.util.Arrays;
import java.util.Optional;

/**
 * {@code min_version}/{@code max_version}: exporter-toolkit's names and the JSSE protocol for each.
 */
public enum TlsVersion {
  TLS10("TLSv1"),
  TLS11("TLSv1.1"),
  TLS12("TLSv1.2"),
  TLS13("TLSv1.3");

  private final String protocol;

  TlsVersion(String protocol) {
    this.protocol = protocol;
  }

  /** The JSSE protocol name, for {@code SSLParameters.setProtocols}. */
  public String protocol() {
    return protocol;
  }

  public static Optional<TlsVersion> fromConfigName(String name) {
    return Arrays.stream(values()).filter(v -> v.name().equals(name)).findFirst();
  }
}
