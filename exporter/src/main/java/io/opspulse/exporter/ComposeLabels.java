package io.opspulse.exporter;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What compose wrote on a container about where its project came from: the project name, the files
 * ({@code com.docker.compose.project.config_files}), the folder ({@code ...working_dir}) and an
 * {@code --env-file} ({@code ...environment_file}). Anyone who may create a container can write
 * these labels, so {@link #resolve()} refuses hostile values with a {@link Refusal} instead of
 * throwing.
 */
record ComposeLabels(
    String project, String configFiles, String workingDir, String environmentFile) {
  static final String PROJECT = "com.docker.compose.project";
  static final String CONFIG_FILES = "com.docker.compose.project.config_files";
  static final String WORKING_DIR = "com.docker.compose.project.working_dir";
  static final String ENVIRONMENT_FILE = "com.docker.compose.project.environment_file";

  /** Linux's PATH_MAX: no real path is longer. */
  static final int MAX_PATH_CHARS = 4096;

  /** More files than anyone passes with -f. */
  static final int MAX_FILES = 32;

  /** Why a container's compose labels were not used; {@link #label()} is the metric label value. */
  enum Refusal {
    /**
     * NUL or another control character: no file has such a name that compose would have written.
     */
    CONTROL_CHARACTER,
    /** A path longer than PATH_MAX, or more files than anyone passes. */
    TOO_LONG,
    /**
     * Text that was not valid UTF-8 where the engine decoded it (replacement characters, lone
     * surrogates).
     */
    INVALID_UTF8,
    /**
     * A relative path with no absolute working folder to resolve it against, a path into the
     * kernel's file systems (/proc, /sys, /dev: never a compose file, and what they hold is not for
     * logs), or no usable path at all.
     */
    NOT_A_PATH;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Labels refused, with the reason. */
  static final class RefusedException extends Exception {
    final Refusal reason;

    RefusedException(Refusal reason, String message) {
      super(message);
      this.reason = reason;
    }
  }

  /** The files to read, in compose's order, and the project's .env file (it may be missing). */
  record Resolved(List<Path> files, @Nullable Path envFile) {
    Resolved {
      files = List.copyOf(files);
    }
  }

  /** The compose labels of a container, or null when it is not part of a compose project. */
  static @Nullable ComposeLabels of(Map<String, String> labels) {
    String project = labels.getOrDefault(PROJECT, "");
    if (project.isEmpty()) {
      return null;
    }
    return new ComposeLabels(
        project,
        labels.getOrDefault(CONFIG_FILES, ""),
        labels.getOrDefault(WORKING_DIR, ""),
        labels.getOrDefault(ENVIRONMENT_FILE, ""));
  }

  /**
   * The absolute files these labels name. Compose v2 writes absolute paths. Compose v1 writes them
   * as given on its command line, relative to the folder it ran in, which no label records; but it
   * sets working_dir to the folder of the first file (absolute), so the first file is {@code
   * working_dir/<its name>} and each other file sits where it sits relative to the first one. (With
   * v1's {@code --project-directory} working_dir is that folder instead; files that do not exist
   * the first way are then looked for under it.)
   */
  Resolved resolve() throws RefusedException {
    check(project, "project");
    check(configFiles, "config_files");
    check(workingDir, "working_dir");
    check(environmentFile, "environment_file");
    List<String> given = new ArrayList<>();
    for (String f : configFiles.split(",")) {
      if (!f.isBlank()) {
        given.add(f.strip());
      }
    }
    if (given.size() > MAX_FILES) {
      throw new RefusedException(
          Refusal.TOO_LONG,
          "config_files names " + given.size() + " files, more than " + MAX_FILES);
    }
    Path workDir = null;
    if (!workingDir.isEmpty()) {
      workDir = path(workingDir, "working_dir");
      if (!workDir.isAbsolute()) {
        throw new RefusedException(Refusal.NOT_A_PATH, "working_dir is not absolute");
      }
    }
    List<Path> files = new ArrayList<>();
    Path firstDir = given.isEmpty() ? null : path(given.get(0), "config_files").getParent();
    for (String g : given) {
      Path p = path(g, "config_files");
      if (p.isAbsolute()) {
        files.add(p.normalize());
      } else if (workDir == null) {
        throw new RefusedException(
            Refusal.NOT_A_PATH, "config_files has a relative path and there is no working_dir");
      } else {
        files.add(fromFirstFilesFolder(workDir, firstDir, p));
      }
    }
    for (Path f : files) {
      refuseKernelFileSystems(f, "config_files");
    }
    Path envFile = null;
    if (!environmentFile.isEmpty()) {
      Path e = path(environmentFile, "environment_file");
      envFile =
          e.isAbsolute()
              ? e.normalize()
              : workDir == null ? null : fromFirstFilesFolder(workDir, firstDir, e);
    } else if (workDir != null) {
      envFile = workDir.resolve(".env");
    } else if (!files.isEmpty()) {
      envFile = files.get(0).resolveSibling(".env");
    }
    if (envFile != null) {
      refuseKernelFileSystems(envFile, "environment_file");
    }
    return new Resolved(files, envFile);
  }

  private static void refuseKernelFileSystems(Path p, String label) throws RefusedException {
    for (String root : new String[] {"/proc", "/sys", "/dev"}) {
      if (p.startsWith(root)) {
        throw new RefusedException(Refusal.NOT_A_PATH, label + " points into " + root);
      }
    }
  }

  /**
   * A path v1 wrote relative to the folder it ran in, found from working_dir (which is where the
   * first file's folder is): {@code working_dir / (path relative to the first file's folder)}. When
   * that file does not exist, {@code working_dir/path} (v1 run from working_dir, or with
   * --project-directory there).
   */
  private static Path fromFirstFilesFolder(Path workDir, @Nullable Path firstDir, Path p) {
    Path viaFirst = null;
    if (firstDir == null) {
      viaFirst = workDir.resolve(p).normalize();
    } else if (firstDir.isAbsolute()) {
      // `-f /abs/a.yml -f b.yml`: working_dir is /abs and b.yml's folder is not recorded anywhere.
      viaFirst = null;
    } else if (!startsWithUp(firstDir.normalize())) {
      viaFirst = workDir.resolve(firstDir.normalize().relativize(p.normalize())).normalize();
    } else {
      // The first file sat above where v1 ran (found in a parent folder): what is below that is
      // unknown,
      // but files that climb as far as it did share its folder.
      Path rest = stripCommonUps(firstDir.normalize(), p.normalize());
      viaFirst = rest == null ? null : workDir.resolve(rest).normalize();
    }
    Path plain = workDir.resolve(p).normalize();
    if (viaFirst != null
        && (java.nio.file.Files.exists(viaFirst) || !java.nio.file.Files.exists(plain))) {
      return viaFirst;
    }
    return plain;
  }

  private static boolean startsWithUp(Path p) {
    return p.getNameCount() > 0 && p.getName(0).toString().equals("..");
  }

  /** {@code p} relative to {@code dir} when both start with the same climb ("../.."), else null. */
  private static @Nullable Path stripCommonUps(Path dir, Path p) {
    int ups = 0;
    while (ups < dir.getNameCount() && dir.getName(ups).toString().equals("..")) {
      ups++;
    }
    if (ups != dir.getNameCount() || p.getNameCount() <= ups) {
      return null; // ../x/y-shaped folders: not worth guessing
    }
    for (int i = 0; i < ups; i++) {
      if (!p.getName(i).toString().equals("..")) {
        return null;
      }
    }
    return p.subpath(ups, p.getNameCount());
  }

  private static Path path(String text, String label) throws RefusedException {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new RefusedException(Refusal.NOT_A_PATH, label + " is not a path");
    }
  }

  private static void check(String value, String label) throws RefusedException {
    if (value.length() > MAX_PATH_CHARS * 4) {
      throw new RefusedException(
          Refusal.TOO_LONG, label + " is " + value.length() + " characters long");
    }
    for (String part : value.split(",")) {
      if (part.length() > MAX_PATH_CHARS) {
        throw new RefusedException(
            Refusal.TOO_LONG, label + " has a path of " + part.length() + " characters");
      }
    }
    int at = LabelScreen.firstRefusedCharacter(value, false);
    if (at < 0) {
      return;
    }
    if (LabelScreen.characterReason(value, at).equals(LabelScreen.CONTROL_CHARACTER)) {
      throw new RefusedException(
          Refusal.CONTROL_CHARACTER,
          label
              + " has control character U+"
              + String.format(Locale.ROOT, "%04X", (int) value.charAt(at))
              + " at "
              + at);
    }
    throw new RefusedException(Refusal.INVALID_UTF8, label + " is not valid UTF-8 text");
  }
}
