package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigFileTest {

  private static ExporterConfig read(String yaml) throws ConfigFileException {
    ExporterConfig.Builder b = ExporterConfig.builder();
    ConfigFile.apply("opspulse.yml", new StringReader(yaml), b);
    return b.build();
  }

  @Test
  void tlsVerificationWithoutCertificatesIsAnErrorNotPlaintext() {
    assertThatThrownBy(
            () ->
                read(
                    """
        docker:
          host: tcp://127.0.0.1:2376
          tls_verify: true
        """))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("docker.tls_verify")
        .hasMessageContaining("docker.cert_path");
  }

  @Test
  void readsEverySetting() throws Exception {
    ExporterConfig c =
        read(
            """
        docker:
          host: tcp://127.0.0.1:2375
        web:
          listen_address: 127.0.0.1:9999
          telemetry_path: /m
        compose:
          files: [/srv/app/compose.yaml, /srv/other]
          profiles: [infra]
          retention: 6h
        deprecated:
          images: ["mcp/postgres*"]
          names: ["postgres-mcp*"]
        labels:
          allow: [com.example.team]
        limits:
          max_containers: 100
        resync_period: 2m
        cgroup:
          interval: 500ms
          proc_root: /host/proc
          root: /host/sys/fs/cgroup
        """);
    assertThat(c.dockerHost()).isEqualTo("tcp://127.0.0.1:2375");
    assertThat(c.listenAddress()).isEqualTo("127.0.0.1:9999");
    assertThat(c.telemetryPath()).isEqualTo("/m");
    assertThat(c.composeFiles())
        .containsExactly(Path.of("/srv/app/compose.yaml"), Path.of("/srv/other"));
    assertThat(c.composeProfiles()).containsExactly("infra");
    assertThat(c.composeRetention()).isEqualTo(Duration.ofHours(6));
    assertThat(c.deprecatedImages()).containsExactly("mcp/postgres*");
    assertThat(c.deprecatedNames()).containsExactly("postgres-mcp*");
    assertThat(c.labelAllowList()).containsExactly("com.example.team");
    assertThat(c.maxContainers()).isEqualTo(100);
    assertThat(c.resyncPeriod()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.cgroupInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.procRoot()).isEqualTo(Path.of("/host/proc"));
    assertThat(c.cgroupRoot()).isEqualTo(Path.of("/host/sys/fs/cgroup"));
  }

  @Test
  void anEmptyFileKeepsTheDefaults() throws Exception {
    ExporterConfig c = read("");
    assertThat(c.listenAddress()).isEqualTo(":" + ExporterConfig.DEFAULT_PORT);
    assertThat(c.resyncPeriod()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.composeRetention()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aSettingMayBeWrittenAsOneDottedKeyAsTheReadmeNamesIt() throws Exception {
    ExporterConfig c = read("web.telemetry_path: /m\ncompose:\n  retention: 2d\n");
    assertThat(c.telemetryPath()).isEqualTo("/m");
    assertThat(c.composeRetention()).isEqualTo(Duration.ofDays(2));
  }

  @Test
  void twoAllowedLabelsThatBecomeOnePrometheusLabelAreRefusedNamingBoth() {
    assertThatThrownBy(() -> read("labels:\n  allow: [com.example.team, com.example-team]\n"))
        .isInstanceOf(ConfigFileException.class)
        .hasMessage(
            "opspulse.yml:2: labels.allow: Docker labels 'com.example.team' and 'com.example-team' would "
                + "both become the Prometheus label label_com_example_team; allow only one of them");
  }

  @Test
  void theSameLabelFromTheFileAndAFlagIsOneLabel() throws Exception {
    ExporterConfig.Builder b = ExporterConfig.builder();
    ConfigFile.apply(
        "opspulse.yml", new StringReader("labels:\n  allow: [team, com.example.tier]\n"), b);
    assertThat(b.allowLabel("team").build().labelAllowList())
        .containsExactly("team", "com.example.tier");
  }

  @Test
  void collidingAllowedLabelsExitTwoNamingBoth() throws Exception {
    var err = new java.io.ByteArrayOutputStream();
    var old = System.err;
    int code;
    try {
      System.setErr(new java.io.PrintStream(err, true));
      code = Main.run("report", "--label.allow", "app.tier", "--label.allow", "app_tier");
    } finally {
      System.setErr(old);
    }
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("'app.tier' and 'app_tier'").contains("label_app_tier");
  }

  @Test
  void unknownKeysAreRefusedWithFileLineAndKey() {
    assertThatThrownBy(() -> read("web:\n  listen_adress: :1\n"))
        .isInstanceOf(ConfigFileException.class)
        .hasMessageStartingWith(
            "opspulse.yml:2: web.listen_adress: unknown key; known: listen_address,");
    assertThatThrownBy(() -> read("dockerr: {}\n"))
        .hasMessageStartingWith(
            "opspulse.yml:1: dockerr: unknown key; known: docker, docker.host, docker.cert_path,");
  }

  @Test
  void badValuesAreRefusedWithFileLineAndKey() {
    assertThatThrownBy(() -> read("limits:\n  max_containers: -3\n"))
        .hasMessage("opspulse.yml:2: limits.max_containers: '-3' is not a positive integer");
    assertThatThrownBy(() -> read("resync_period: soon\n"))
        .hasMessageStartingWith(
            "opspulse.yml:1: resync_period: 'soon' is not a Prometheus duration");
    assertThatThrownBy(() -> read("compose:\n  files: /one/file\n"))
        .hasMessage("opspulse.yml:2: compose.files: expected a list, got '/one/file'");
    assertThatThrownBy(() -> read("docker:\n  host: http://x\n"))
        .hasMessageStartingWith("opspulse.yml:2: docker.host:");
    assertThatThrownBy(() -> read("web:\n  telemetry_path: metrics\n"))
        .hasMessage("opspulse.yml:2: web.telemetry_path: 'metrics' must start with /");
    assertThatThrownBy(() -> read("web: [\n"))
        .hasMessageStartingWith("opspulse.yml:")
        .hasMessageContaining("invalid YAML");
  }

  @Test
  void durationsFollowPrometheusSyntax() {
    assertThat(ConfigFile.parseDuration("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(ConfigFile.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThatThrownBy(() -> ConfigFile.parseDuration("0s"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigFile.parseDuration("5 m"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigFile.parseDuration("x5m"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigFile.parseDuration("0m0s"))
        .hasMessage("'0m0s' is not a positive duration (like " + "500ms, 30s, 5m, 1h)");
    assertThat(ConfigFile.parseDuration(" 1w "))
        .as("the catalog's units, flags stripped")
        .isEqualTo(Duration.ofDays(7));
  }

  @Test
  void listenAddressesFollowExporterToolkit() {
    assertThat(Exporter.listenAddress(":9838").getPort()).isEqualTo(9838);
    assertThat(Exporter.listenAddress("127.0.0.1:1").getHostString()).isEqualTo("127.0.0.1");
    assertThat(Exporter.listenAddress("[::1]:2").getHostString()).isEqualTo("::1");
    assertThatThrownBy(() -> Exporter.listenAddress("9838")).hasMessageContaining("needs a port");
  }

  @Test
  void aBadConfigFileExitsTwoWithTheMessage() throws Exception {
    Path f = java.nio.file.Files.createTempFile("opspulse", ".yml");
    java.nio.file.Files.writeString(f, "web:\n  nope: 1\n");
    var err = new java.io.ByteArrayOutputStream();
    var old = System.err;
    int code;
    try {
      System.setErr(new java.io.PrintStream(err, true));
      code = Main.run("report", "--config.file", f.toString());
    } finally {
      System.setErr(old);
      java.nio.file.Files.delete(f);
    }
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            f + ":2: web.nope: unknown key; known: listen_address, telemetry_path, config_file");
  }
}
