package io.opspulse.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.zip.ZipFile;

/**
 * The version and revision a built jar carries (the catalog's build.properties, relocated in the
 * agent).
 */
record JarBuildInfo(String version, String revision) {
  static final String EXPORTER_ENTRY = "io/opspulse/catalog/build.properties";
  static final String AGENT_ENTRY = "io/opspulse/agent/shaded/io/opspulse/catalog/build.properties";

  static JarBuildInfo read(Path jar, String entry) {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      var e = zip.getEntry(entry);
      if (e == null) {
        throw new AssertionError(jar + " has no " + entry);
      }
      Properties p = new Properties();
      try (InputStream in = zip.getInputStream(e)) {
        p.load(in);
      }
      return new JarBuildInfo(p.getProperty("version"), p.getProperty("revision"));
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}
