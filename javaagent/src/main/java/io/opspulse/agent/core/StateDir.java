package io.opspulse.agent.core;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The agent's state folder ({@code state.dir}), made safe to write in: the default lives under a
 * shared temporary directory, where another user could have put a folder or a symbolic link first
 * and so read or redirect what the agent writes. The folder is created owner-only (0700), its files
 * 0600; an existing folder is refused when it is a symbolic link, is owned by another user, or is
 * writable by others.
 */
final class StateDir {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  static final FileAttribute<?>[] OWNER_ONLY_FILE =
      POSIX
          ? new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
          }
          : new FileAttribute<?>[0];
  private static final FileAttribute<?>[] OWNER_ONLY_DIR =
      POSIX
          ? new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))
          }
          : new FileAttribute<?>[0];

  private StateDir() {}

  /**
   * Creates {@code dir} owner-only if it is missing; throws, saying why, if it is not ours alone.
   */
  static void prepare(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try {
        Files.createDirectory(dir, OWNER_ONLY_DIR);
      } catch (FileAlreadyExistsException raced) {
        // another JVM of the service made it: checked below like any existing folder
      }
    }
    check(dir);
  }

  static void check(Path dir) throws IOException {
    if (Files.isSymbolicLink(dir)) {
      throw refused(dir, "is a symbolic link");
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw refused(dir, "is not a directory");
    }
    if (!POSIX) {
      return;
    }
    Object owner = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    Object self = currentUid();
    if (self != null && !self.equals(owner)) {
      throw refused(dir, "is owned by uid " + owner + ", not by this process's uid " + self);
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
    if (perms.contains(PosixFilePermission.GROUP_WRITE)
        || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw refused(
          dir, "is writable by other users (" + PosixFilePermissions.toString(perms) + ")");
    }
  }

  /**
   * The effective uid: the owner of {@code /proc/self} on Linux; null where there is no such file.
   */
  private static @Nullable Object currentUid() throws IOException {
    Path self = Path.of("/proc/self");
    return Files.exists(self) ? Files.getAttribute(self, "unix:uid") : null;
  }

  private static IOException refused(Path dir, String why) {
    return new IOException(
        "state.dir "
            + dir
            + " "
            + why
            + "; the agent keeps its start history only in a"
            + " folder of its own user (set state.dir, or OPSPULSE_STATE_DIR, to one); restarts are not counted");
  }
}
