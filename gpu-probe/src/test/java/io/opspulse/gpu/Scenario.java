package io.opspulse.gpu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the NVML stand-in's scenario file (the path in OPSPULSE_NVML_SCENARIO, set by the build).
 * Each write moves the file's mtime forward a second, so the stand-in sees the change even when two
 * writes land within the file system's timestamp grain.
 */
final class Scenario {
  private static Instant lastMtime = Instant.now();

  private final List<String> lines = new ArrayList<>();

  static Scenario empty() {
    return new Scenario();
  }

  /**
   * A full GPU: every field set, so a test can assert each one. Index i differs by i in every
   * value.
   */
  static Scenario fullGpus(int count) {
    Scenario s = new Scenario().set("gpus", count).set("driver_version", "550.54.15");
    for (int i = 0; i < count; i++) {
      s.gpu(i, "name", "NVIDIA A100-SXM4-40GB")
          .gpu(i, "uuid", "GPU-3b4c5d6e-0000-1111-2222-33334444555" + i)
          .gpu(i, "pci_bus_id", "00000000:0" + (7 + i) + ":00.0")
          .gpu(i, "utilization.gpu", 37 + i)
          .gpu(i, "utilization.memory", 12 + i)
          .gpu(i, "memory.total", 42949672960L)
          .gpu(i, "memory.used", 1073741824L * (i + 1))
          .gpu(i, "memory.reserved", 536870912L)
          .gpu(i, "temperature", 54 + i)
          .gpu(i, "power", 123456 + i)
          .gpu(i, "power_limit", 400000)
          .gpu(i, "energy", 987654321L + i)
          .gpu(i, "clock.sm", 1410)
          .gpu(i, "clock.memory", 1215)
          .gpu(i, "clock_event_reasons", "0x44")
          .gpu(i, "ecc.corrected", 3 + i)
          .gpu(i, "ecc.uncorrected", i)
          .gpu(i, "pcie.replays", 2 + i)
          .gpu(i, "pcie.tx", 1000 + i)
          .gpu(i, "pcie.rx", 2000 + i)
          .gpu(i, "nvlink.links", 3)
          .gpu(i, "nvlink.0.replay", 5 + i)
          .gpu(i, "nvlink.1.crc_flit", 7)
          .gpu(i, "nvlink.2.active", 0)
          .gpu(i, "retired.sbe", 1 + i)
          .gpu(i, "retired.dbe", i)
          .gpu(i, "retired.pending", 0)
          .gpu(i, "remapped.correctable", 4 + i)
          .gpu(i, "remapped.uncorrectable", i)
          .gpu(i, "remapped.pending", 0)
          .gpu(i, "remapped.failed", 0)
          .gpu(i, "mig", 0);
    }
    return s;
  }

  /**
   * GPU {@code index} in MIG mode with an instance per profile, slot by slot: GPU instance ids 1,
   * 2, ..., 5 GiB of total memory each, (slot + 1) GiB used.
   */
  Scenario mig(int index, String... profiles) {
    gpu(index, "mig", 1);
    for (int m = 0; m < profiles.length; m++) {
      String p = "mig." + m + ".";
      gpu(index, p + "gi", m + 1)
          .gpu(index, p + "profile", profiles[m])
          .gpu(index, p + "uuid", "MIG-1c2d3e4f-0000-1111-2222-00000000000" + m)
          .gpu(index, p + "memory.total", 5L << 30)
          .gpu(index, p + "memory.used", (m + 1L) << 30);
    }
    return this;
  }

  Scenario set(String key, Object value) {
    lines.add(key + " = " + value);
    return this;
  }

  /** Removes a key, as if it was never set: the stand-in then answers as for an absent reading. */
  Scenario unset(String key) {
    lines.removeIf(l -> l.startsWith(key + " = "));
    return this;
  }

  Scenario gpu(int index, String field, Object value) {
    return set("gpu." + index + "." + field, value);
  }

  /** Processes as pid:bytes:smPercent triples. */
  Scenario processes(int index, String... triples) {
    return gpu(index, "processes", String.join(", ", triples));
  }

  Scenario fail(int index, String field, String error) {
    return gpu(index, "fail." + field, error);
  }

  /** Writes the scenario where the stand-in reads it. */
  void install() {
    String path = System.getenv("OPSPULSE_NVML_SCENARIO");
    if (path == null) {
      throw new IllegalStateException(
          "OPSPULSE_NVML_SCENARIO is not set: run the tests through Maven");
    }
    writeTo(Path.of(path));
  }

  void writeTo(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
      synchronized (Scenario.class) {
        lastMtime = lastMtime.plusSeconds(1);
        Files.setLastModifiedTime(file, FileTime.from(lastMtime));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String text() {
    return String.join("\n", lines) + "\n";
  }
}
