package io.opspulse.webconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opspulse.testkit.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web-config format as exporter-toolkit defines it, and the errors for what it refuses. */
class WebConfigTest {
  @TempDir static Path dir;
  static TestPki pki;

  @BeforeAll
  static void certificates() {
    pki = TestPki.create(dir);
  }

  private static WebConfig parse(String yaml) {
    return WebConfig.parse("web.yml", yaml, dir);
  }

  private static void refused(String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(WebConfigException.class)
        .hasMessage(message);
  }

  @Test
  void anEmptyFileConfiguresNothing() {
    for (String yaml :
        List.of("", "---\n", "# only a comment\n", "tls_server_config:\nbasic_auth_users:\n")) {
      WebConfig c = parse(yaml);
      assertThat(c.tls()).isEmpty();
      assertThat(c.users()).isEmpty();
      assertThat(c.httpsConfigurator()).isEmpty();
      assertThat(c.authenticator()).isEmpty();
      assertThat(c.scheme()).isEqualTo("http");
    }
  }

  @Test
  void aFullFileParsesWithRelativeFilesResolvedAgainstItsFolder() {
    WebConfig c =
        parse(
            """
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
          client_auth_type: RequireAndVerifyClientCert
          client_ca_file: ca.crt
          client_allowed_sans: [prometheus.example]
          min_version: TLS13
          max_version: TLS13
          cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]
          prefer_server_cipher_suites: false
        http_server_config:
          http2: false
          headers:
            X-Content-Type-Options: nosniff
            X-Frame-Options: deny
            Strict-Transport-Security: max-age=31536000
            Content-Security-Policy: ""
        basic_auth_users:
          prometheus: $2y$05$wW68S4xODWLiZc1C4.Mu9OufwaSabR11DhBqchZxAQ1Duwt..krui
        rate_limit:
          interval: 100ms
          burst: 20
        """);
    TlsServerConfig tls = c.tls().orElseThrow();
    assertThat(tls.certificate().file()).contains(dir.resolve("server.crt"));
    assertThat(tls.key().file()).contains(dir.resolve("server.key"));
    assertThat(tls.clientCa().orElseThrow().file()).contains(dir.resolve("ca.crt"));
    assertThat(tls.clientAuth()).isEqualTo(ClientAuth.REQUIRE_AND_VERIFY_CLIENT_CERT);
    assertThat(tls.clientAllowedSans()).containsExactly("prometheus.example");
    assertThat(tls.minVersion()).isEqualTo(TlsVersion.TLS13);
    assertThat(tls.cipherSuites()).containsExactly("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    assertThat(tls.preferServerCipherSuites()).isFalse();
    assertThat(c.http().http2()).isFalse();
    assertThat(c.http().headers())
        .as("a blank value unsets the header")
        .containsOnly(
            Map.entry("X-Content-Type-Options", "nosniff"),
            Map.entry("X-Frame-Options", "deny"),
            Map.entry("Strict-Transport-Security", "max-age=31536000"));
    assertThat(c.users()).containsExactly("prometheus");
    assertThat(c.rateLimit()).contains(new RateLimit(Duration.ofMillis(100), 20));
    assertThat(c.httpsConfigurator()).isPresent();
    assertThat(c.authenticator()).isPresent();
    assertThat(c.scheme()).isEqualTo("https");
    assertThat(c.describe())
        .isEqualTo(
            "web.yml: TLS (TLS13-TLS13, client certificates RequireAndVerifyClientCert), "
                + "basic auth (1 user), rate limit (1 per PT0.1S, burst 20), http2 off (the JDK server speaks HTTP/1.1 only)");
  }

  @Test
  void loadReadsAFileAndNamesItInErrors() throws Exception {
    Path file = dir.resolve("web-bad.yml");
    Files.writeString(file, "basic_auth_users:\n  prometheus: hunter2\n");
    assertThatThrownBy(() -> WebConfig.load(file))
        .hasMessageStartingWith(file + ":2: basic_auth_users.prometheus: not a bcrypt hash");
    assertThatThrownBy(() -> WebConfig.load(dir.resolve("missing.yml")))
        .hasMessageStartingWith(dir.resolve("missing.yml") + ": cannot read");
  }

  @Test
  void defaultsAreTheToolkitsTls12ToTls13AndNoClientCertificates() {
    TlsServerConfig tls =
        parse("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n")
            .tls()
            .orElseThrow();
    assertThat(tls.minVersion()).isEqualTo(TlsVersion.TLS12);
    assertThat(tls.maxVersion()).isEqualTo(TlsVersion.TLS13);
    assertThat(tls.clientAuth()).isEqualTo(ClientAuth.NO_CLIENT_CERT);
    assertThat(tls.cipherSuites()).isEmpty();
    assertThat(tls.preferServerCipherSuites()).isTrue();
  }

  @Test
  void everyKeyFormatGoAcceptsLoads() {
    for (String[] pair :
        new String[][] {
          {"server.crt", "server.key"},
          {"server.crt", "server-pkcs1.key"},
          {"server-ec.crt", "server-ec.key"},
          {"server-ec.crt", "server-ec-pkcs8.key"}
        }) {
      WebConfig c =
          parse("tls_server_config:\n  cert_file: " + pair[0] + "\n  key_file: " + pair[1] + "\n");
      assertThat(c.httpsConfigurator()).as(pair[1]).isPresent();
    }
  }

  @Test
  void inlinePemWorksLikeFiles() throws Exception {
    String cert = Files.readString(dir.resolve("server.crt")).indent(4);
    String key = Files.readString(dir.resolve("server-pkcs1.key")).indent(4);
    WebConfig c = parse("tls_server_config:\n  cert: |\n" + cert + "  key: |\n" + key);
    assertThat(c.tls().orElseThrow().certificate().file()).isEmpty();
    assertThat(c.tls().orElseThrow().key().toString())
        .as("never prints the key")
        .isEqualTo("key (inline)");
  }

  @Test
  void unknownKeysAreRefusedWithFileLineAndKey() {
    refused(
        "tls_server_confg:\n  cert_file: x\n",
        "web.yml:1: tls_server_confg: unknown key; known: "
            + "tls_server_config, http_server_config, basic_auth_users, rate_limit");
    refused(
        "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth: RequireAndVerifyClientCert\n",
        "web.yml:4: tls_server_config.client_auth: unknown key; known: cert, key, client_ca, "
            + "cert_file, key_file, client_auth_type, client_ca_file, client_allowed_sans, min_version, max_version, "
            + "cipher_suites, prefer_server_cipher_suites, curve_preferences");
    refused(
        "http_server_config:\n  http3: true\n",
        "web.yml:2: http_server_config.http3: unknown key; " + "known: http2, headers");
    refused(
        "rate_limit:\n  every: 1s\n",
        "web.yml:2: rate_limit.every: unknown key; known: interval, burst");
  }

  @Test
  void wrongShapesAndDuplicatesAreRefused() {
    refused("- a\n- b\n", "web.yml:1: (top level): expected a mapping, got a list");
    refused(
        "basic_auth_users:\n  - prometheus\n",
        "web.yml:2: basic_auth_users: expected a mapping, got a list");
    refused(
        "basic_auth_users:\n  a: " + BcryptTest.ALICE + "\n  a: " + BcryptTest.ALICE + "\n",
        "web.yml:3: basic_auth_users.a: duplicate key");
    refused(
        "http_server_config:\n  http2: maybe\n",
        "web.yml:2: http_server_config.http2: expected true or false, got 'maybe'");
    refused(
        "tls_server_config:\n  cert_file: [a, b]\n",
        "web.yml:2: tls_server_config.cert_file: expected a single value, got a list");
    refused(
        "tls_server_config:\n  cert_file: x\n  key_file: [\n",
        "web.yml:4: (yaml): invalid YAML: expected the node content, but found '<stream end>'");
  }

  @Test
  void tlsSettingsAreCheckedAsExporterToolkitChecksThem() {
    String base = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n";
    refused(
        "tls_server_config:\n  cert_file: server.crt\n",
        "web.yml:2: tls_server_config: missing one of key or key_file");
    refused(
        base + "  client_auth_type: RequireClientCertPlease\n",
        "web.yml:4: tls_server_config.client_auth_type: "
            + "'RequireClientCertPlease' is not one of NoClientCert, RequestClientCert, RequireAnyClientCert, "
            + "VerifyClientCertIfGiven, RequireAndVerifyClientCert");
    refused(
        base + "  client_ca_file: ca.crt\n",
        "web.yml:2: tls_server_config.client_auth_type: client CA's have been "
            + "configured without a Client Auth Policy (set RequireAndVerifyClientCert)");
    refused(
        base + "  client_auth_type: RequireAndVerifyClientCert\n",
        "web.yml:4: tls_server_config.client_auth_type: "
            + "RequireAndVerifyClientCert verifies client certificates, but no client_ca_file is set");
    refused(
        base + "  min_version: TLS13\n  max_version: TLS12\n",
        "web.yml:4: tls_server_config.min_version: TLS13 is above max_version TLS12");
    refused(
        base + "  min_version: TLS1.3\n",
        "web.yml:4: tls_server_config.min_version: unknown TLS version: TLS1.3 (one of TLS10, TLS11, TLS12, TLS13)");
    assertThatThrownBy(
            () ->
                parse(
                    base
                        + "  cipher_suites:\n    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n    - TLS_MADE_UP\n"))
        .hasMessageStartingWith(
            "web.yml:6: tls_server_config.cipher_suites[1]: unknown cipher: TLS_MADE_UP (this JVM supports ");
    refused(
        base + "  curve_preferences: [X25519]\n",
        "web.yml:4: tls_server_config.curve_preferences: not supported by "
            + "this server: remove it, or set the JVM-wide -Djdk.tls.namedGroups=x25519,secp256r1,...");
    refused(
        base + "  client_allowed_sans: [a]\n",
        "web.yml:4: tls_server_config.client_allowed_sans: requires "
            + "client_auth_type to be one of RequireAnyClientCert or RequireAndVerifyClientCert");
    refused(
        "tls_server_config:\n  min_version: TLS13\n",
        "web.yml:2: tls_server_config.min_version: set, but no "
            + "certificate is configured (cert_file and key_file)");
    refused(
        base + "  cert: inline\n",
        "web.yml:4: tls_server_config.cert: set together with cert_file: give one of them");
  }

  @Test
  void unusableCertificatesAndKeysFailAtLoadNotAtTheFirstScrape() throws Exception {
    assertThatThrownBy(
            () -> parse("tls_server_config:\n  cert_file: nope.crt\n  key_file: server.key\n"))
        .hasMessageStartingWith(
            "web.yml: tls_server_config.cert_file: cannot read " + dir.resolve("nope.crt"));
    assertThatThrownBy(
            () -> parse("tls_server_config:\n  cert_file: server.key\n  key_file: server.key\n"))
        .hasMessage(
            "web.yml: tls_server_config.cert_file "
                + dir.resolve("server.key")
                + ": no PEM CERTIFICATE block found");
    assertThatThrownBy(
            () -> parse("tls_server_config:\n  cert_file: server.crt\n  key_file: server.crt\n"))
        .hasMessageStartingWith(
            "web.yml: tls_server_config.key_file "
                + dir.resolve("server.crt")
                + ": no PEM private key block found");
    assertThatThrownBy(
            () -> parse("tls_server_config:\n  cert_file: server.crt\n  key_file: server-ec.key\n"))
        .hasMessage(
            "web.yml: tls_server_config: the private key (key_file "
                + dir.resolve("server-ec.key")
                + ") does not match the certificate (cert_file "
                + dir.resolve("server.crt")
                + ")");
    pki.openssl(
        "pkey",
        "-in",
        "server.key",
        "-aes256",
        "-passout",
        "pass:x",
        "-out",
        "server-encrypted.key");
    assertThatThrownBy(
            () ->
                parse(
                    "tls_server_config:\n  cert_file: server.crt\n  key_file: server-encrypted.key\n"))
        .hasMessageContaining("the private key is encrypted");
  }

  @Test
  void onlyTheToolkitsSecurityHeadersMayBeSet() {
    refused(
        "http_server_config:\n  headers:\n    Server: opspulse\n",
        "web.yml:3: http_server_config.headers.Server: "
            + "HTTP header \"Server\" can not be configured (allowed: Strict-Transport-Security, X-Content-Type-Options, "
            + "X-Frame-Options, X-XSS-Protection, Content-Security-Policy)");
    refused(
        "http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
        "web.yml:3: "
            + "http_server_config.headers.X-Frame-Options: invalid value \"allow\": expected one of [deny, sameorigin]");
  }

  @Test
  void rateLimitTakesGoDurations() {
    assertThat(parse("rate_limit:\n  interval: 1m30s\n  burst: 3\n").rateLimit())
        .contains(new RateLimit(Duration.ofSeconds(90), 3));
    assertThat(parse("rate_limit:\n  interval: 1.5s\n  burst: 1\n").rateLimit())
        .contains(new RateLimit(Duration.ofMillis(1500), 1));
    assertThat(parse("rate_limit:\n  interval: 0\n  burst: 5\n").rateLimit())
        .as("0 disables it")
        .isEmpty();
    refused(
        "rate_limit:\n  interval: 10 seconds\n  burst: 1\n",
        "web.yml:2: rate_limit.interval: '10 seconds' is not a duration like 1s, 500ms or 1m30s");
    refused(
        "rate_limit:\n  interval: 1s\n",
        "web.yml:2: rate_limit.burst: must be at least 1 when interval is set, or every request is refused");
    refused(
        "rate_limit:\n  interval: 1s\n  burst: many\n",
        "web.yml:3: rate_limit.burst: expected an integer, got 'many'");
  }

  @Test
  void hostileYamlIsRefusedBeforeItExpands() {
    StringBuilder laughs =
        new StringBuilder(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      char p = (char) (c - 1);
      laughs
          .append(c)
          .append(": &")
          .append(c)
          .append(" [*")
          .append(p)
          .append(",*")
          .append(p)
          .append(",*")
          .append(p)
          .append(",*")
          .append(p)
          .append(",*")
          .append(p)
          .append(",*")
          .append(p)
          .append("]\n");
    }
    assertThatThrownBy(
            () -> parse("basic_auth_users:\n  " + laughs.toString().replace("\n", "\n  ")))
        .isInstanceOf(WebConfigException.class)
        .hasMessageContaining("web.yml")
        .hasMessageContaining("aliases");
    StringBuilder huge = new StringBuilder("basic_auth_users:\n");
    for (int i = 0; i < 5000; i++) {
      huge.append("  user").append(i).append(": ").append(BcryptTest.ALICE).append('\n');
    }
    assertThatThrownBy(() -> parse(huge.toString()))
        .isInstanceOf(WebConfigException.class)
        .hasMessageContaining("code points");
  }
}
