package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state folder is the agent's user's alone: created 0700, and refused when it could be someone
 * else's.
 */
class StateDirTest {
  private static final long NOW = 1_800_000_000_000L;

  @Test
  void aMissingFolderIsCreatedOwnerOnlyAndItsFilesToo(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("nested/state");
    StartHistory.record(dir, "shop", NOW);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    try (var files = Files.list(dir)) {
      assertThat(files)
          .isNotEmpty()
          .allSatisfy(
              f ->
                  assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                      .as(f.toString())
                      .isEqualTo("rw-------"));
    }
  }

  @Test
  void aSymbolicLinkIsRefused(@TempDir Path tmp) throws Exception {
    Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
    Path link = Files.createSymbolicLink(tmp.resolve("state"), elsewhere);
    assertThatThrownBy(() -> StartHistory.record(link, "shop", NOW))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("state.dir " + link + " is a symbolic link");
    try (var files = Files.list(elsewhere)) {
      assertThat(files).as("nothing written through the link").isEmpty();
    }
  }

  @Test
  void aFolderWritableByOthersIsRefused(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("state"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> StartHistory.record(dir, "shop", NOW))
        .hasMessageContaining("is writable by other users (rwxrwxrwx)");
  }

  @Test
  void aFolderOwnedBySomeoneElseIsRefused(@TempDir Path tmp) throws Exception {
    Assumptions.assumeTrue(
        Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0),
        "only root can hand a folder to another user");
    Path dir = Files.createDirectory(tmp.resolve("state"));
    Files.setAttribute(dir, "unix:uid", 4242, LinkOption.NOFOLLOW_LINKS);
    assertThatThrownBy(() -> StartHistory.record(dir, "shop", NOW))
        .hasMessageContaining("is owned by uid 4242, not by this process's uid 0");
  }

  /**
   * Another JVM holding the file lock for ever (a stale lock on a network volume) costs this start,
   * not a hang.
   */
  @Test
  void aLockHeldElsewhereIsWaitedForBoundedly(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("state");
    StartHistory.record(dir, "shop", NOW - 1000);
    Path lock = dir.resolve("shop.starts.lock");
    // Record locks are per process: the holder must be another JVM.
    Path holderSource =
        Files.writeString(
            tmp.resolve("Hold.java"),
            """
        import java.nio.channels.FileChannel;
        import java.nio.file.*;
        public class Hold {
          public static void main(String[] a) throws Exception {
            try (FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.WRITE); var l = c.lock()) {
              System.out.println("LOCKED");
              Thread.sleep(60_000);
            }
          }
        }
        """);
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Process holder =
        new ProcessBuilder(javaBin.toString(), holderSource.toString(), lock.toString())
            .redirectErrorStream(true)
            .start();
    try {
      String first =
          new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream()))
              .readLine();
      assertThat(first).isEqualTo("LOCKED");
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> StartHistory.record(dir, "shop", NOW))
          .hasMessageContaining("is held by another process for more than 2 s");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(15_000);
    } finally {
      holder.destroy();
      holder.waitFor();
    }
    assertThat(
            StartHistory.record(dir, "shop", NOW).startsWithin(java.time.Duration.ofHours(1), NOW))
        .isEqualTo(2);
  }
}
