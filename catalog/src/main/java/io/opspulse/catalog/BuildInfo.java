package io.opspulse.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version and git revision this build was made from, written into the jar at build time
 * (catalog's pom), for the exporter's and the agent's {@code build_info} series and the release
 * bundle.
 */
public final class BuildInfo {
  /** The project version, as Maven has it (0.1.0-SNAPSHOT), or "unknown". */
  public static final String VERSION;

  /** The short git commit the build was made from, or "unknown" outside a git checkout. */
  public static final String REVISION;

  static {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // Not fatal: the series still says which build, as "unknown".
    }
    VERSION = p.getProperty("version", "unknown");
    REVISION = p.getProperty("revision", "unknown");
  }

  private BuildInfo() {}
}
