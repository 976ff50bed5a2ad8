package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opspulse.exporter.ComposeFileException.Kind;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeFileParserTest {
  private static final Path FILE = Path.of("/srv/sutazai/docker-compose.yml");

  private static ComposeFileParser.ParsedFile parse(String yaml) throws ComposeFileException {
    return ComposeFileParser.parse(FILE, new StringReader(yaml), null);
  }

  @Test
  void anIncludeOfTheRootFolderIsAnErrorNotACrash() {
    // Found by ComposeParserFuzzTest: "/" has no parent folder to be the included project's
    // directory.
    assertThatThrownBy(() -> parse("include: [\"/\"]\nservices: {}\n"))
        .isInstanceOf(ComposeFileException.class)
        .hasMessageStartingWith(FILE.toString());
  }

  @Test
  void readsServicesReplicasAndProfiles() throws Exception {
    var f =
        parse(
            """
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
    var f =
        parse(
            """
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
    assertThatThrownBy(
            () ->
                parse(
                    """
        services:
          web:
            image: x
            deploy:
              replicas: many
        """))
        .isInstanceOf(ComposeFileException.class)
        .hasMessage(
            "/srv/sutazai/docker-compose.yml:5: services.web.deploy.replicas: 'many' is not a whole number of replicas");
    assertThatThrownBy(() -> parse("services:\n  web: [1, 2]\n"))
        .hasMessage(
            "/srv/sutazai/docker-compose.yml:2: services.web: expected a mapping, got a list");
    assertThatThrownBy(() -> parse("version: '3'\n")).hasMessageContaining(":1: services: missing");
    assertThatThrownBy(() -> parse("services:\n  web:\n    image: [unclosed\n"))
        .hasMessageStartingWith("/srv/sutazai/docker-compose.yml:")
        .hasMessageContaining("invalid YAML");
    assertThatThrownBy(() -> parse("")).hasMessageContaining("empty");
  }

  @Test
  void errorsCarryAFixedKind() {
    assertThatThrownBy(() -> parse("services:\n  web: [1, 2]\n"))
        .isInstanceOfSatisfying(
            ComposeFileException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SCHEMA));
    assertThatThrownBy(() -> parse("services:\n  web:\n    image: [unclosed\n"))
        .isInstanceOfSatisfying(
            ComposeFileException.class, e -> assertThat(e.kind()).isEqualTo(Kind.YAML_SYNTAX));
    assertThatThrownBy(() -> parse("services:\n  web:\n    image: ${TAG:?}\n"))
        .isInstanceOfSatisfying(
            ComposeFileException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INTERPOLATION));
  }

  @Test
  void valuesAreInterpolatedEverywhereAndKeysNever() throws Exception {
    var f =
        ComposeFileParser.parse(
            FILE,
            new StringReader(
                """
        name: ${PROJECT:-shop}
        services:
          web:
            image: "registry/${APP}:${TAG-latest}"
            scale: ${REPLICAS}
            environment:
              PRICE: "$$5"
          $NOT_A_VARIABLE:
            image: x
          worker:
            image: w
            profiles: ["${PROFILE:+batch}"]
        """),
            Map.of("APP", "web", "TAG", "", "REPLICAS", "3"));
    assertThat(f.projectName()).isEqualTo("shop");
    assertThat(f.services()).containsOnlyKeys("web", "$NOT_A_VARIABLE", "worker");
    assertThat(f.services().get("web").image()).isEqualTo("registry/web:");
    assertThat(f.services().get("web").replicas()).isEqualTo(3);
    assertThat(f.services().get("worker").profiles()).containsExactly("");
  }

  @Test
  void aRequiredVariableAnywhereRefusesTheFileNamingLineAndField() {
    assertThatThrownBy(
            () ->
                parse(
                    """
        services:
          web:
            image: w
            environment:
              DB_URL: ${DB_URL:?the database URL}
        """))
        .hasMessage(
            "/srv/sutazai/docker-compose.yml:5: services.web.environment.DB_URL: "
                + "required variable DB_URL is not set: the database URL");
    assertThatThrownBy(() -> parse("services:\n  web: {image: 'a$'}\n"))
        .hasMessageContaining(":2: services.web.image:")
        .hasMessageContaining("$$");
  }

  @Test
  void includeReadsListedFilesWithTheirOwnFolderAndEnv(@TempDir Path dir) throws Exception {
    Path top = Files.createDirectories(dir.resolve("app")).resolve("compose.yaml");
    Path db = Files.createDirectories(dir.resolve("db"));
    Files.writeString(
        db.resolve("compose.yaml"),
        "services:\n  postgres: {image: 'postgres:${PG}', scale: '${PG_N:-1}'}\n");
    Files.writeString(db.resolve(".env"), "PG=16\n");
    Path cache = Files.createDirectories(dir.resolve("cache"));
    Files.writeString(cache.resolve("a.yaml"), "services:\n  redis: {image: redis}\n");
    Files.writeString(
        cache.resolve("b.yaml"), "services:\n  redis: {scale: 2}\n  sentinel: {image: s}\n");
    Files.writeString(cache.resolve("cache.env"), "PG_N=9\n");
    Files.writeString(
        top,
        """
        include:
          - ../db/compose.yaml
          - path: [../cache/a.yaml, ../cache/b.yaml]
            env_file: ../cache/cache.env
        services:
          web: {image: w}
        """);
    var f = ComposeFileParser.parse(top, top.resolveSibling(".env"), Map.of());
    assertThat(f.services()).containsOnlyKeys("postgres", "redis", "sentinel", "web");
    assertThat(f.services().get("postgres").image()).isEqualTo("postgres:16");
    assertThat(f.services().get("postgres").replicas()).isEqualTo(1);
    assertThat(f.services().get("redis").replicas()).isEqualTo(2);
    assertThat(f.services().get("redis").project()).isEqualTo("app");
    assertThat(f.filesRead())
        .contains(
            top,
            db.resolve("compose.yaml"),
            db.resolve(".env"),
            cache.resolve("a.yaml"),
            cache.resolve("b.yaml"),
            cache.resolve("cache.env"));
  }

  @Test
  void includeCyclesMissingFilesAndConflictsAreRefused(@TempDir Path dir) throws Exception {
    Path a = dir.resolve("a.yaml");
    Path b = dir.resolve("b.yaml");
    Files.writeString(a, "include: [b.yaml]\nservices: {}\n");
    Files.writeString(b, "include: [a.yaml]\nservices: {}\n");
    assertThatThrownBy(() -> ComposeFileParser.parse(a, (Path) null, Map.of()))
        .isInstanceOfSatisfying(
            ComposeFileException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INCLUDE_CYCLE))
        .hasMessageStartingWith(a + ":1: include: ")
        .hasMessageContaining(a + " -> " + b + " -> " + a);

    Files.writeString(a, "services: {}\ninclude:\n  - path: nope.yaml\n");
    assertThatThrownBy(() -> ComposeFileParser.parse(a, (Path) null, Map.of()))
        .isInstanceOfSatisfying(
            ComposeFileException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
        .hasMessageStartingWith(a + ":3: include: " + dir.resolve("nope.yaml") + ": no such file");

    Files.writeString(b, "services:\n  web: {image: b}\n");
    Files.writeString(a, "include: [b.yaml]\nservices:\n  web: {image: a}\n");
    assertThatThrownBy(() -> ComposeFileParser.parse(a, (Path) null, Map.of()))
        .isInstanceOfSatisfying(
            ComposeFileException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SCHEMA))
        .hasMessageContaining(a + ":3: services.web: also defined by included file " + b);
  }

  @Test
  void duplicateKeysAreRefused() {
    assertThatThrownBy(() -> parse("services:\n  web: {image: a}\n  web: {image: b}\n"))
        .isInstanceOf(ComposeFileException.class)
        .hasMessageContaining("duplicate");
  }

  @Test
  void aBillionLaughsIsRefusedNotExpanded() {
    StringBuilder yaml =
        new StringBuilder(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      char p = (char) (c - 1);
      yaml.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        yaml.append(i == 0 ? "" : ",").append('*').append(p);
      }
      yaml.append("]\n");
    }
    yaml.append("services: {}\n");
    assertThatThrownBy(() -> parse(yaml.toString()))
        .isInstanceOf(ComposeFileException.class)
        .hasMessageContaining("refused");
  }

  @Test
  void aHugeFileIsRefusedBeforeItIsRead(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("compose.yaml");
    Files.writeString(
        big, "services: {}\n# " + "x".repeat((int) ComposeFileParser.MAX_FILE_BYTES) + "\n");
    assertThatThrownBy(() -> ComposeFileParser.parse(big, (Path) null, Map.of()))
        .hasMessageContaining("more than")
        .isInstanceOfSatisfying(
            ComposeFileException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
  }

  @Test
  void onlyRegularFilesAreRead(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("compose.yaml");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    assertThatThrownBy(() -> ComposeFileParser.parse(fifo, (Path) null, Map.of()))
        .isInstanceOfSatisfying(
            ComposeFileException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREADABLE))
        .hasMessage(fifo + ": not a regular file");
    assertThatThrownBy(() -> ComposeFileParser.parse(dir, (Path) null, Map.of()))
        .isInstanceOfSatisfying(
            ComposeFileException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREADABLE));
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
