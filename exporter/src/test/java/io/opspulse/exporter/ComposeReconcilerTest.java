package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.catalog.LabelValues;
import io.opspulse.exporter.ComposeFileException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeReconcilerTest {
  @TempDir Path dir;

  private static ComposeLabels labels(String project, String configFiles, String workingDir) {
    return new ComposeLabels(project, configFiles, workingDir, "");
  }

  private static void touch(Path f) throws Exception {
    Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 5000));
  }

  @Test
  void aBrokenFileNeverHidesAGoodOne() throws Exception {
    Path good = Files.createDirectories(dir.resolve("shop")).resolve("compose.yaml");
    Files.writeString(good, "services:\n  web: {image: nginx}\n  consul: {image: consul}\n");
    Path bad = Files.createDirectories(dir.resolve("broken")).resolve("compose.yaml");
    Files.writeString(bad, "services:\n  web: {image: [\n");
    ComposeReconciler r = new ComposeReconciler(List.of(good, bad), List.of());
    DeclaredState s = r.refresh(List.of());
    assertThat(s.projects()).containsOnlyKeys("shop");
    assertThat(s.projects().get("shop")).containsOnlyKeys("web", "consul");
    assertThat(s.fileErrors()).containsOnlyKeys(bad.toString());
    assertThat(s.fileErrors().get(bad.toString()).kind()).isEqualTo(Kind.YAML_SYNTAX);
    assertThat(s.fileErrors().get(bad.toString()).message())
        .startsWith(bad + ":")
        .contains("invalid YAML");
  }

  @Test
  void theLastGoodReadingSurvivesAnEditThatBreaksTheFileAndTheErrorGoesWhenItLoadsAgain()
      throws Exception {
    Path f = Files.createDirectories(dir.resolve("shop")).resolve("compose.yaml");
    Files.writeString(f, "services:\n  web: {image: nginx, scale: 2}\n");
    ComposeReconciler r = new ComposeReconciler(List.of(f), List.of());
    assertThat(r.refresh(List.of()).service("shop", "web").orElseThrow().replicas()).isEqualTo(2);
    Files.writeString(f, "services:\n  web: {image: nginx, scale: two}\n");
    touch(f);
    DeclaredState s = r.refresh(List.of());
    assertThat(s.service("shop", "web").orElseThrow().replicas()).isEqualTo(2);
    assertThat(s.fileErrors().get(f.toString()).kind()).isEqualTo(Kind.SCHEMA);
    assertThat(s.fileErrors().get(f.toString()).message()).contains("services.web.scale");

    Files.writeString(f, "services:\n  web: {image: nginx, scale: 3}\n");
    Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
    s = r.refresh(List.of());
    assertThat(s.service("shop", "web").orElseThrow().replicas()).isEqualTo(3);
    assertThat(s.fileErrors()).isEmpty();
  }

  @Test
  void filesFromContainerLabelsUseTheLabelsProjectName() throws Exception {
    Path f = Files.createDirectories(dir.resolve("folder-name")).resolve("docker-compose.yml");
    Files.writeString(f, "services:\n  agent: {image: a}\n");
    ComposeReconciler r = new ComposeReconciler(List.of(), List.of());
    DeclaredState s = r.refresh(List.of(labels("mcp", f.toString(), f.getParent().toString())));
    assertThat(s.projects()).containsOnlyKeys("mcp");
    assertThat(s.projects().get("mcp")).containsOnlyKeys("agent");
  }

  @Test
  void composeV1RunFromAParentFolderWithDashFIsFoundFromWorkingDir() throws Exception {
    // `cd /parent && docker-compose -f sub/app.yml -f sub/app.prod.yml up` writes these labels
    // (1.29.2).
    Path sub = Files.createDirectories(dir.resolve("parent/sub"));
    Files.writeString(
        sub.resolve("app.yml"), "services:\n  api: {image: a}\n  worker: {image: w}\n");
    Files.writeString(sub.resolve("app.prod.yml"), "services:\n  api: {scale: 4}\n");
    ComposeReconciler r = new ComposeReconciler(List.of(), List.of());
    DeclaredState s =
        r.refresh(List.of(labels("sub", "sub/app.yml,sub/app.prod.yml", sub.toString())));
    assertThat(s.fileErrors()).isEmpty();
    assertThat(s.projects().get("sub")).containsOnlyKeys("api", "worker");
    assertThat(s.service("sub", "api").orElseThrow().replicas()).isEqualTo(4);
  }

  @Test
  void oneFileSharedByTwoProjectsDeclaresForBoth() throws Exception {
    Path f = Files.createDirectories(dir.resolve("app")).resolve("docker-compose.yml");
    Files.writeString(f, "services:\n  web: {image: a, scale: 2}\n");
    ComposeReconciler r = new ComposeReconciler(List.of(), List.of());
    DeclaredState s =
        r.refresh(
            List.of(
                labels("blue", f.toString(), f.getParent().toString()),
                labels("green", f.toString(), f.getParent().toString()),
                labels("blue", f.toString(), f.getParent().toString())));
    assertThat(s.projects()).containsOnlyKeys("blue", "green");
    assertThat(s.service("blue", "web").orElseThrow().replicas()).isEqualTo(2);
    assertThat(s.service("green", "web").orElseThrow().replicas()).isEqualTo(2);
    assertThat(s.service("green", "web").orElseThrow().project()).isEqualTo("green");
  }

  @Test
  void eachProjectReadsItsOwnEnvFile() throws Exception {
    // Same file, two working folders with their own .env: `--project-directory` per environment.
    Path f = Files.createDirectories(dir.resolve("shared")).resolve("compose.yaml");
    Files.writeString(
        f, "services:\n  web: {image: 'nginx:${TAG:-latest}', scale: '${WEB_REPLICAS:-1}'}\n");
    Path staging = Files.createDirectories(dir.resolve("staging"));
    Files.writeString(staging.resolve(".env"), "WEB_REPLICAS=2\nTAG=1.25\n");
    Path prod = Files.createDirectories(dir.resolve("prod"));
    Files.writeString(prod.resolve(".env"), "WEB_REPLICAS=6\n");
    ComposeReconciler r = new ComposeReconciler(List.of(), List.of());
    DeclaredState s =
        r.refresh(
            List.of(
                labels("staging", f.toString(), staging.toString()),
                labels("prod", f.toString(), prod.toString())));
    assertThat(s.service("staging", "web").orElseThrow())
        .satisfies(
            w -> {
              assertThat(w.replicas()).isEqualTo(2);
              assertThat(w.image()).isEqualTo("nginx:1.25");
            });
    assertThat(s.service("prod", "web").orElseThrow())
        .satisfies(
            w -> {
              assertThat(w.replicas()).isEqualTo(6);
              assertThat(w.image()).isEqualTo("nginx:latest");
            });

    // An edit to one .env is seen without the compose file changing.
    Files.writeString(prod.resolve(".env"), "WEB_REPLICAS=8\n");
    touch(prod.resolve(".env"));
    assertThat(
            r.refresh(List.of(labels("prod", f.toString(), prod.toString())))
                .service("prod", "web")
                .orElseThrow()
                .replicas())
        .isEqualTo(8);
  }

  @Test
  void theExportersEnvironmentWinsOverDotEnvAndARequiredVariableNamesFileAndLine()
      throws Exception {
    Path app = Files.createDirectories(dir.resolve("app"));
    Path f = app.resolve("compose.yaml");
    Files.writeString(
        f,
        "services:\n  web:\n    image: web\n    scale: ${N}\n  db:\n    image: ${DB_IMAGE:?set DB_IMAGE in .env}\n");
    Files.writeString(app.resolve(".env"), "N=2\nDB_IMAGE=postgres:16\n");
    ComposeReconciler withEnv =
        new ComposeReconciler(
            List.of(app),
            List.of(),
            new ProjectRetention(Duration.ofHours(1), Clock.systemUTC()),
            Map.of("N", "5"));
    assertThat(withEnv.refresh(List.of()).service("app", "web").orElseThrow().replicas())
        .isEqualTo(5);

    Files.writeString(app.resolve(".env"), "N=2\n");
    touch(app.resolve(".env"));
    DeclaredState s = withEnv.refresh(List.of());
    assertThat(s.fileErrors().get(f.toString()).kind()).isEqualTo(Kind.INTERPOLATION);
    assertThat(s.fileErrors().get(f.toString()).message())
        .isEqualTo(
            f
                + ":6: services.db.image: required variable DB_IMAGE is not set: set DB_IMAGE in .env");
  }

  @Test
  void anIncludedFileIsReadAndItsEditsAreSeen() throws Exception {
    Path app = Files.createDirectories(dir.resolve("app"));
    Path common = Files.createDirectories(dir.resolve("common"));
    Files.writeString(common.resolve("compose.yaml"), "services:\n  redis: {image: redis}\n");
    Files.writeString(
        app.resolve("compose.yaml"),
        "include:\n  - ../common/compose.yaml\nservices:\n  web: {image: w}\n");
    ComposeReconciler r = new ComposeReconciler(List.of(app), List.of());
    DeclaredState s = r.refresh(List.of());
    assertThat(s.projects().get("app")).containsOnlyKeys("web", "redis");

    Files.writeString(
        common.resolve("compose.yaml"), "services:\n  redis: {image: redis, scale: 3}\n");
    touch(common.resolve("compose.yaml"));
    assertThat(r.refresh(List.of()).service("app", "redis").orElseThrow().replicas()).isEqualTo(3);
  }

  @Test
  void aFolderStandsForItsComposeFileAndOverride() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("app"));
    Files.writeString(
        folder.resolve("docker-compose.yml"),
        "services:\n  web: {image: a, deploy: {replicas: 3}}\n");
    Files.writeString(
        folder.resolve("docker-compose.override.yml"),
        "services:\n  web: {image: b}\n  debug: {image: d}\n");
    DeclaredState s = new ComposeReconciler(List.of(folder), List.of()).refresh(List.of());
    assertThat(s.service("app", "web").orElseThrow().replicas()).isEqualTo(3);
    assertThat(s.service("app", "web").orElseThrow().image()).isEqualTo("b");
    assertThat(s.service("app", "debug")).isPresent();
  }

  @Test
  void aMissingFileIsAnErrorNotACrash() {
    Path missing = dir.resolve("nope/compose.yaml");
    DeclaredState s = new ComposeReconciler(List.of(missing), List.of()).refresh(List.of());
    assertThat(s.projects()).isEmpty();
    assertThat(s.fileErrors()).containsOnlyKeys(missing.toString());
    assertThat(s.fileErrors().get(missing.toString()).kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(s.fileErrors().get(missing.toString()).message()).contains("no such file");
  }

  @Test
  void hostileLabelsAreCountedByReasonAndNeverStopTheOthers() throws Exception {
    Path f = Files.createDirectories(dir.resolve("good")).resolve("compose.yaml");
    Files.writeString(f, "services:\n  web: {image: a}\n");
    List<ComposeLabels> containers =
        new ArrayList<>(
            List.of(
                labels("nul", "a\u0000b.yml", "/srv"),
                labels("nul2", "/srv/x.yml", "/srv/\u0000"),
                labels("ctl", "/srv/a\u001b[31m.yml", "/srv"),
                labels("huge", "/" + "a".repeat(1 << 20), "/srv"),
                labels("badutf", "/srv/caf\uFFFD.yml", "/srv"),
                labels("surrogate", "/srv/\uD800.yml", "/srv"),
                labels("relative", "compose.yml", "relative/dir"),
                labels("nowhere", "compose.yml", ""),
                labels("good", f.toString(), f.getParent().toString())));
    ComposeReconciler r = new ComposeReconciler(List.of(), List.of());
    DeclaredState s = r.refresh(containers);
    assertThat(s.projects()).containsOnlyKeys("good");
    assertThat(s.projects().get("good")).containsOnlyKeys("web");
    assertThat(s.refusedLabels())
        .containsOnly(
            Map.entry(ComposeLabels.Refusal.CONTROL_CHARACTER, 3),
            Map.entry(ComposeLabels.Refusal.TOO_LONG, 1),
            Map.entry(ComposeLabels.Refusal.INVALID_UTF8, 2),
            Map.entry(ComposeLabels.Refusal.NOT_A_PATH, 2));
    assertThat(s.fileErrors()).isEmpty();
    // The hostile containers go away: so do their counts.
    assertThat(r.refresh(containers.subList(8, 9)).refusedLabels()).isEmpty();
  }

  @Test
  void goneProjectsAreForgottenAfterTheRetentionAndConfiguredOnesNever() throws Exception {
    Path configured = Files.createDirectories(dir.resolve("infra"));
    Files.writeString(configured.resolve("compose.yaml"), "services:\n  db: {image: pg}\n");
    Path ci = Files.createDirectories(dir.resolve("ci")).resolve("compose.yaml");
    Files.writeString(ci, "services:\n  test: {image: t}\n");
    SettableClock clock = new SettableClock();
    ComposeReconciler r =
        new ComposeReconciler(
            List.of(configured),
            List.of(),
            new ProjectRetention(Duration.ofHours(1), clock),
            Map.of());
    Set<String> remembered = Set.of("infra", "ci-run-1", "ci-run-2");

    r.refresh(
        List.of(
            labels("ci-run-1", ci.toString(), ci.getParent().toString()),
            labels("ci-run-2", ci.toString(), ci.getParent().toString())));
    assertThat(r.expired(remembered)).isEmpty();

    // ci-run-1 is brought down; 59 minutes (of resyncs) later it is still remembered.
    List<ComposeLabels> onlyRun2 =
        List.of(labels("ci-run-2", ci.toString(), ci.getParent().toString()));
    r.refresh(onlyRun2);
    assertThat(r.expired(remembered)).isEmpty();
    clock.advance(Duration.ofMinutes(59));
    r.refresh(onlyRun2);
    assertThat(r.expired(remembered)).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    r.refresh(onlyRun2);
    assertThat(r.expired(remembered)).containsExactly("ci-run-1");

    // ci-run-2 goes too, comes back before the hour is out: its clock starts again when it goes
    // again.
    r.refresh(List.of());
    assertThat(r.expired(Set.of("infra", "ci-run-2"))).isEmpty();
    clock.advance(Duration.ofMinutes(30));
    r.refresh(List.of(labels("ci-run-2", ci.toString(), ci.getParent().toString())));
    assertThat(r.expired(Set.of("infra", "ci-run-2"))).isEmpty();
    r.refresh(List.of());
    clock.advance(Duration.ofMinutes(59));
    assertThat(r.expired(Set.of("infra", "ci-run-2"))).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    assertThat(r.expired(Set.of("infra", "ci-run-2"))).containsExactly("ci-run-2");

    clock.advance(Duration.ofDays(30));
    assertThat(r.expired(Set.of("infra"))).as("a configured project is never gone").isEmpty();
  }

  @Test
  void theReasonsAreTheCatalogs() {
    assertThat(Arrays.stream(Kind.values()).map(Kind::label))
        .containsExactlyElementsOf(LabelValues.COMPOSE_FILE_ERROR_REASONS);
    assertThat(Arrays.stream(ComposeLabels.Refusal.values()).map(ComposeLabels.Refusal::label))
        .containsExactlyElementsOf(LabelValues.COMPOSE_LABEL_REFUSALS);
  }

  /** A clock the test moves by hand. */
  static final class SettableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
