package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeFileParserTest {
  private static final Path FILE = Path.of("/srv/sutazai/docker-compose.yml");

  private static ComposeFileParser.ParsedFile parse(String yaml) throws ComposeFileException {
    return ComposeFileParser.parse(FILE, new StringReader(yaml), null);
  }

  @Test
  void readsServicesReplicasAndProfiles() throws Exception {
    var f = parse("""
        services:
          backend:
            image: sutazai/backend
          worker:
            image: w
            deploy:
              replicas: 3
          scaled:
            image: s
            scale: 2
          consul:
            image: consul
            profiles: [infra]
          bare:
        """);
    assertThat(f.projectName()).isNull();
    assertThat(f.services()).containsOnlyKeys("backend", "worker", "scaled", "consul", "bare");
    assertThat(f.services().get("backend").replicas()).isEqualTo(1);
    assertThat(f.services().get("backend").replicasExplicit()).isFalse();
    assertThat(f.services().get("worker").replicas()).isEqualTo(3);
    assertThat(f.services().get("scaled").replicas()).isEqualTo(2);
    assertThat(f.services().get("consul").profiles()).containsExactly("infra");
    assertThat(f.services().get("consul").desiredReplicas(List.of())).isZero();
    assertThat(f.services().get("consul").desiredReplicas(List.of("infra"))).isEqualTo(1);
    assertThat(f.services().get("bare").replicas()).isEqualTo(1);
  }

  @Test
  void deployReplicasWinsOverScaleAndGlobalModeMeansOne() throws Exception {
    var f = parse("""
        services:
          a: {image: a, scale: 5, deploy: {replicas: 2}}
          b: {image: b, deploy: {mode: global}}
          c: {image: c, deploy: {replicas: 0}}
        """);
    assertThat(f.services().get("a").replicas()).isEqualTo(2);
    assertThat(f.services().get("b").replicas()).isEqualTo(1);
    assertThat(f.services().get("c").replicas()).isZero();
  }

  @Test
  void theProjectNameComesFromTheFileOrItsFolder() throws Exception {
    assertThat(parse("name: My_Project\nservices: {}\n").projectName()).isEqualTo("my_project");
    assertThat(ComposeFileParser.defaultProjectName(FILE)).isEqualTo("sutazai");
    assertThat(ComposeFileParser.normalizeProjectName("-Odd Name.2")).isEqualTo("oddname2");
  }

  @Test
  void errorsNameTheFileTheLineAndTheField() {
    assertThatThrownBy(() -> parse("""
        services:
          web:
            image: x
            deploy:
              replicas: many
        """)).isInstanceOf(ComposeFileException.class)
        .hasMessage("/srv/sutazai/docker-compose.yml:5: services.web.deploy.replicas: 'many' is not a whole number of replicas");
    assertThatThrownBy(() -> parse("services:\n  web: [1, 2]\n"))
        .hasMessage("/srv/sutazai/docker-compose.yml:2: services.web: expected a mapping");
    assertThatThrownBy(() -> parse("version: '3'\n"))
        .hasMessageContaining(":1: services: missing");
    assertThatThrownBy(() -> parse("services:\n  web:\n    image: [unclosed\n"))
        .hasMessageStartingWith("/srv/sutazai/docker-compose.yml:").hasMessageContaining("invalid YAML");
    assertThatThrownBy(() -> parse(""))
        .hasMessageContaining("empty");
  }

  @Test
  void duplicateKeysAreRefused() {
    assertThatThrownBy(() -> parse("services:\n  web: {image: a}\n  web: {image: b}\n"))
        .isInstanceOf(ComposeFileException.class).hasMessageContaining("duplicate");
  }

  @Test
  void aBillionLaughsIsRefusedNotExpanded() {
    StringBuilder yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      char p = (char) (c - 1);
      yaml.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        yaml.append(i == 0 ? "" : ",").append('*').append(p);
      }
      yaml.append("]\n");
    }
    yaml.append("services: {}\n");
    assertThatThrownBy(() -> parse(yaml.toString())).isInstanceOf(ComposeFileException.class)
        .hasMessageContaining("refused");
  }

  @Test
  void aHugeFileIsRefusedBeforeItIsRead(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("compose.yaml");
    Files.writeString(big, "services: {}\n# " + "x".repeat((int) ComposeFileParser.MAX_FILE_BYTES) + "\n");
    assertThatThrownBy(() -> ComposeFileParser.parse(big, null)).hasMessageContaining("more than");
  }

  @Test
  void deepNestingIsRefused() {
    String yaml = "services: " + "[".repeat(200) + "]".repeat(200) + "\n";
    assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ComposeFileException.class);
  }

  @Test
  void anOverrideKeepsTheBaseReplicasUnlessItSetsThem() {
    DeclaredService base = new DeclaredService("p", "s", "img", 3, true, List.of(), "a");
    DeclaredService noCount = new DeclaredService("p", "s", "", 1, false, List.of(), "b");
    DeclaredService newCount = new DeclaredService("p", "s", "img2", 5, true, List.of(), "c");
    assertThat(base.overriddenBy(noCount).replicas()).isEqualTo(3);
    assertThat(base.overriddenBy(noCount).image()).isEqualTo("img");
    assertThat(base.overriddenBy(newCount).replicas()).isEqualTo(5);
    assertThat(base.overriddenBy(newCount).image()).isEqualTo("img2");
  }
}
