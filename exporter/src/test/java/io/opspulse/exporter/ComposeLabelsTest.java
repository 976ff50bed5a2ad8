package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The labels compose v1 (1.29.2, as installed here) and v2 write, and where they say the files are.
 * ComposeProjectIT proves the v1 shapes against the real tool.
 */
class ComposeLabelsTest {
  @TempDir Path dir;

  private static ComposeLabels.Resolved resolve(String files, String workingDir) throws Exception {
    return new ComposeLabels("p", files, workingDir, "").resolve();
  }

  @Test
  void composeV2WritesAbsolutePaths() throws Exception {
    var r = resolve("/srv/app/compose.yaml,/srv/app/compose.prod.yaml", "/srv/app");
    assertThat(r.files())
        .containsExactly(Path.of("/srv/app/compose.yaml"), Path.of("/srv/app/compose.prod.yaml"));
    assertThat(r.envFile()).isEqualTo(Path.of("/srv/app/.env"));
  }

  @Test
  void composeV1FromTheProjectFolder() throws Exception {
    // `cd /srv/app && docker-compose up`: config_files=docker-compose.yml, working_dir=/srv/app
    var r = resolve("docker-compose.yml,docker-compose.override.yml", "/srv/app");
    assertThat(r.files())
        .containsExactly(
            Path.of("/srv/app/docker-compose.yml"),
            Path.of("/srv/app/docker-compose.override.yml"));
  }

  @Test
  void composeV1FromAParentFolderWithDashF() throws Exception {
    // `cd /srv && docker-compose -f app/docker-compose.yml -f common/extra.yml up`:
    // config_files=app/docker-compose.yml,common/extra.yml, working_dir=/srv/app
    var r = resolve("app/docker-compose.yml,common/extra.yml", "/srv/app");
    assertThat(r.files())
        .containsExactly(Path.of("/srv/app/docker-compose.yml"), Path.of("/srv/common/extra.yml"));
    assertThat(r.envFile()).isEqualTo(Path.of("/srv/app/.env"));
    var deeper = resolve("a/b/c.yml", "/srv/a/b");
    assertThat(deeper.files()).containsExactly(Path.of("/srv/a/b/c.yml"));
  }

  @Test
  void composeV1FromASubfolderFindsTheFileInAParent() throws Exception {
    // `cd /srv/app/src && docker-compose up` finds ../docker-compose.yml: working_dir=/srv/app
    var r = resolve("../docker-compose.yml,../docker-compose.override.yml", "/srv/app");
    assertThat(r.files())
        .containsExactly(
            Path.of("/srv/app/docker-compose.yml"),
            Path.of("/srv/app/docker-compose.override.yml"));
  }

  @Test
  void composeV1WithProjectDirectoryFallsBackToWorkingDirWhenThatIsWhereTheFileIs()
      throws Exception {
    // `docker-compose --project-directory /x -f sub/f.yml` run from /x: working_dir=/x,
    // config_files=sub/f.yml
    Path x = dir.resolve("x");
    Files.createDirectories(x.resolve("sub"));
    Files.writeString(x.resolve("sub/f.yml"), "services: {}\n");
    var r = resolve("sub/f.yml", x.toString());
    assertThat(r.files()).containsExactly(x.resolve("sub/f.yml"));
  }

  @Test
  void anAbsoluteFirstFileThenARelativeOneResolvesAgainstWorkingDir() throws Exception {
    var r = resolve("/srv/app/a.yml,b.yml", "/srv/app");
    assertThat(r.files()).containsExactly(Path.of("/srv/app/a.yml"), Path.of("/srv/app/b.yml"));
  }

  @Test
  void anEnvFileLabelWins() throws Exception {
    var r = new ComposeLabels("p", "app/compose.yml", "/srv/app", "app/prod.env").resolve();
    assertThat(r.envFile()).isEqualTo(Path.of("/srv/app/prod.env"));
    var abs = new ComposeLabels("p", "/srv/app/compose.yml", "/srv/app", "/etc/app.env").resolve();
    assertThat(abs.envFile()).isEqualTo(Path.of("/etc/app.env"));
  }

  @Test
  void containersOutsideComposeHaveNone() {
    assertThat(ComposeLabels.of(Map.of("com.example", "x"))).isNull();
    assertThat(
            ComposeLabels.of(
                Map.of(ComposeLabels.PROJECT, "shop", ComposeLabels.WORKING_DIR, "/srv/shop")))
        .isEqualTo(new ComposeLabels("shop", "", "/srv/shop", ""));
  }

  @Test
  void hostileValuesAreRefusedWithAReason() {
    assertThatThrownBy(() -> resolve("a\u0000b.yml", "/srv"))
        .isInstanceOfSatisfying(
            ComposeLabels.RefusedException.class,
            e -> assertThat(e.reason).isEqualTo(ComposeLabels.Refusal.CONTROL_CHARACTER));
    assertThatThrownBy(() -> resolve("/srv/x.yml", "/srv\n/etc"))
        .isInstanceOfSatisfying(
            ComposeLabels.RefusedException.class,
            e -> assertThat(e.reason).isEqualTo(ComposeLabels.Refusal.CONTROL_CHARACTER));
    assertThatThrownBy(() -> resolve("/" + "x".repeat(4097), "/srv"))
        .isInstanceOfSatisfying(
            ComposeLabels.RefusedException.class,
            e -> assertThat(e.reason).isEqualTo(ComposeLabels.Refusal.TOO_LONG));
    assertThatThrownBy(() -> resolve("/a.yml,".repeat(33), "/srv"))
        .isInstanceOfSatisfying(
            ComposeLabels.RefusedException.class,
            e -> assertThat(e.reason).isEqualTo(ComposeLabels.Refusal.TOO_LONG));
    assertThatThrownBy(() -> resolve("/srv/\uFFFD.yml", "/srv"))
        .isInstanceOfSatisfying(
            ComposeLabels.RefusedException.class,
            e -> assertThat(e.reason).isEqualTo(ComposeLabels.Refusal.INVALID_UTF8));
    assertThatThrownBy(() -> resolve("/srv/\uDC00.yml", "/srv"))
        .isInstanceOfSatisfying(
            ComposeLabels.RefusedException.class,
            e -> assertThat(e.reason).isEqualTo(ComposeLabels.Refusal.INVALID_UTF8));
    assertThatThrownBy(() -> resolve("compose.yml", ""))
        .isInstanceOfSatisfying(
            ComposeLabels.RefusedException.class,
            e -> assertThat(e.reason).isEqualTo(ComposeLabels.Refusal.NOT_A_PATH));
    assertThatThrownBy(() -> resolve("compose.yml", "srv"))
        .isInstanceOfSatisfying(
            ComposeLabels.RefusedException.class,
            e -> assertThat(e.reason).isEqualTo(ComposeLabels.Refusal.NOT_A_PATH));
    for (String kernel :
        new String[] {
          "/proc/self/environ", "/sys/kernel/notes", "/dev/zero", "/srv/../proc/1/environ"
        }) {
      assertThatThrownBy(() -> resolve(kernel, "/srv"))
          .as(kernel)
          .isInstanceOfSatisfying(
              ComposeLabels.RefusedException.class,
              e -> assertThat(e.reason).isEqualTo(ComposeLabels.Refusal.NOT_A_PATH));
    }
    assertThatThrownBy(
            () -> new ComposeLabels("p", "/srv/c.yml", "/srv", "/proc/self/environ").resolve())
        .isInstanceOfSatisfying(
            ComposeLabels.RefusedException.class,
            e -> assertThat(e.reason).isEqualTo(ComposeLabels.Refusal.NOT_A_PATH));
  }

  @Test
  void aValidPairOfSurrogatesIsText() throws Exception {
    assertThat(resolve("/srv/\uD83D\uDE00/compose.yml", "/srv").files())
        .containsExactly(Path.of("/srv/\uD83D\uDE00/compose.yml"));
  }
}
