package io.opspulse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A committed file that a rendering must equal whole (an exposition, a rule file): any change to
 * the output shows up as a diff of that file in review. With {@code -Dgolden.update=true} the
 * rendering is written there first, so after an intended change one run regenerates every golden
 * file of a module.
 */
public final class GoldenFile {
  private GoldenFile() {}

  /**
   * Fails unless {@code rendered} equals the file's text; writes it first under {@code
   * -Dgolden.update=true}.
   */
  public static void assertMatches(Path golden, String rendered) {
    try {
      if (Boolean.getBoolean("golden.update")) {
        Files.createDirectories(golden.toAbsolutePath().getParent());
        Files.writeString(golden, rendered);
      }
      if (!Files.isRegularFile(golden)) {
        throw new AssertionError(golden + " is missing: regenerate it with -Dgolden.update=true");
      }
      String committed = Files.readString(golden);
      if (!committed.equals(rendered)) {
        throw new org.opentest4j.AssertionFailedError(
            golden
                + " differs from the rendering: regenerate it with"
                + " -Dgolden.update=true after an intended change, and review the diff",
            committed,
            rendered);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
