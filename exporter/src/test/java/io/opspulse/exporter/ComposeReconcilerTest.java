package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeReconcilerTest {
  @TempDir
  Path dir;

  @Test
  void aBrokenFileNeverHidesAGoodOne() throws Exception {
    Path good = Files.createDirectories(dir.resolve("shop")).resolve("compose.yaml");
    Files.writeString(good, "services:\n  web: {image: nginx}\n  consul: {image: consul}\n");
    Path bad = Files.createDirectories(dir.resolve("broken")).resolve("compose.yaml");
    Files.writeString(bad, "services:\n  web: {image: [\n");
    ComposeReconciler r = new ComposeReconciler(List.of(good, bad), List.of());
    DeclaredState s = r.refresh(Map.of());
    assertThat(s.projects()).containsOnlyKeys("shop");
    assertThat(s.projects().get("shop")).containsOnlyKeys("web", "consul");
    assertThat(s.fileErrors()).containsOnlyKeys(bad.toString());
    assertThat(s.fileErrors().get(bad.toString())).startsWith(bad + ":").contains("invalid YAML");
  }

  @Test
  void theLastGoodReadingSurvivesAnEditThatBreaksTheFile() throws Exception {
    Path f = Files.createDirectories(dir.resolve("shop")).resolve("compose.yaml");
    Files.writeString(f, "services:\n  web: {image: nginx, scale: 2}\n");
    ComposeReconciler r = new ComposeReconciler(List.of(f), List.of());
    assertThat(r.refresh(Map.of()).service("shop", "web").orElseThrow().replicas()).isEqualTo(2);
    Files.writeString(f, "services:\n  web: {image: nginx, scale: two}\n");
    Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 5000));
    DeclaredState s = r.refresh(Map.of());
    assertThat(s.service("shop", "web").orElseThrow().replicas()).isEqualTo(2);
    assertThat(s.fileErrors().get(f.toString())).contains("services.web.scale");
  }

  @Test
  void filesFromContainerLabelsUseTheLabelsProjectName() throws Exception {
    Path f = Files.createDirectories(dir.resolve("folder-name")).resolve("docker-compose.yml");
    Files.writeString(f, "services:\n  agent: {image: a}\n");
    ComposeReconciler r = new ComposeReconciler(List.of(), List.of());
    DeclaredState s = r.refresh(Map.of("mcp", List.of(f.toString())));
    assertThat(s.projects()).containsOnlyKeys("mcp");
    assertThat(s.knowsProject("mcp")).isTrue();
  }

  @Test
  void aFolderStandsForItsComposeFileAndOverride() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("app"));
    Files.writeString(folder.resolve("docker-compose.yml"), "services:\n  web: {image: a, deploy: {replicas: 3}}\n");
    Files.writeString(folder.resolve("docker-compose.override.yml"), "services:\n  web: {image: b}\n  debug: {image: d}\n");
    DeclaredState s = new ComposeReconciler(List.of(folder), List.of()).refresh(Map.of());
    assertThat(s.service("app", "web").orElseThrow().replicas()).isEqualTo(3);
    assertThat(s.service("app", "web").orElseThrow().image()).isEqualTo("b");
    assertThat(s.service("app", "debug")).isPresent();
  }

  @Test
  void aMissingFileIsAnErrorNotACrash() {
    Path missing = dir.resolve("nope/compose.yaml");
    DeclaredState s = new ComposeReconciler(List.of(missing), List.of()).refresh(Map.of());
    assertThat(s.projects()).isEmpty();
    assertThat(s.fileErrors().get(missing.toString())).contains("no such file");
  }
}
