package io.opspulse.webconfig;

import java.util.Arrays;
import java.util.Optional;

/**
 * {@code tls_server_config.client_auth_type}: Go's {@code tls.ClientAuthType} names, with the same
 * meaning. Only {@link #REQUIRE_AND_VERIFY_CLIENT_CERT} authenticates clients; the others exist so
 * that files written for exporter-toolkit load unchanged.
 */
public enum ClientAuth {
  /** No certificate is asked for. */
  NO_CLIENT_CERT("NoClientCert", false, false),
  /** A certificate is asked for; none, or any, is accepted unverified. */
  REQUEST_CLIENT_CERT("RequestClientCert", false, false),
  /** A certificate is required but not verified against a CA. */
  REQUIRE_ANY_CLIENT_CERT("RequireAnyClientCert", true, false),
  /** A certificate is optional; one that is sent must chain to {@code client_ca_file}. */
  VERIFY_CLIENT_CERT_IF_GIVEN("VerifyClientCertIfGiven", false, true),
  /** A certificate chaining to {@code client_ca_file} is required: mutual TLS. */
  REQUIRE_AND_VERIFY_CLIENT_CERT("RequireAndVerifyClientCert", true, true);

  private final String configName;
  private final boolean required;
  private final boolean verified;

  ClientAuth(String configName, boolean required, boolean verified) {
    this.configName = configName;
    this.required = required;
    this.verified = verified;
  }

  /** The name in the file. */
  public String configName() {
    return configName;
  }

  /** Whether a client without a certificate is refused in the handshake. */
  public boolean required() {
    return required;
  }

  /** Whether a presented certificate must chain to the client CA. */
  public boolean verified() {
    return verified;
  }

  /** Whether the server asks the client for a certificate at all. */
  public boolean requested() {
    return this != NO_CLIENT_CERT;
  }

  /** The value for a name from the file; "RequireClientCert" is exporter-toolkit's old alias. */
  public static Optional<ClientAuth> fromConfigName(String name) {
    if ("RequireClientCert".equals(name)) {
      return Optional.of(REQUIRE_ANY_CLIENT_CERT);
    }
    return Arrays.stream(values()).filter(v -> v.configName.equals(name)).findFirst();
  }
}
