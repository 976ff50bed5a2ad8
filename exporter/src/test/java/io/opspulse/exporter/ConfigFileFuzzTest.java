package io.opspulse.exporter;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.StringReader;

/**
 * Hostile configuration files: a configuration or a ConfigFileException naming the file, nothing
 * else.
 */
class ConfigFileFuzzTest {
  @FuzzTest(maxDuration = "15s")
  void readsOrRefusesCleanly(FuzzedDataProvider data) {
    String yaml = data.consumeRemainingAsString();
    try {
      ExporterConfig.Builder b = ExporterConfig.builder();
      ConfigFile.apply("fuzz.yml", new StringReader(yaml), b);
      b.build();
    } catch (ConfigFileException expected) {
      if (!expected.getMessage().startsWith("fuzz.yml")) {
        throw new AssertionError("error without the file name: " + expected.getMessage());
      }
    } catch (IllegalArgumentException expected) {
      // build() refusing a value that parsed (a docker host of an unknown scheme): also a clear
      // error
    }
  }
}
