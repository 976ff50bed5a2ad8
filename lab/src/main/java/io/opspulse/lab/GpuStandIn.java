package io.opspulse.lab;

import io.opspulse.testkit.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Simulated GPUs: gpu-probe's NVML stand-in (a C library with NVML's ABI, answering from a scenario
 * file) built with gcc, so the real exporter and its real NVML binding report GPUs on a machine
 * that has none. The scenario is report 002's: three GPUs at 0% while models hold the memory of two
 * of them.
 */
final class GpuStandIn {
  static final long GIB = 1L << 30;
  static final long GPU_MEMORY = 12L * GIB;

  private final Path library;
  private final Path scenario;

  private GpuStandIn(Path library, Path scenario) {
    this.library = library;
    this.scenario = scenario;
  }

  /** Compiles the stand-in from {@code repo}'s gpu-probe sources into {@code dir}. */
  static GpuStandIn build(Path repo, Path dir) throws IOException {
    Path source = repo.resolve("gpu-probe/src/test/c/nvml_standin.c");
    if (!Files.isRegularFile(source)) {
      throw new IllegalStateException(source + ": the NVML stand-in's source is missing");
    }
    Files.createDirectories(dir);
    Path library = dir.resolve("libnvidia-ml.so.1");
    Commands.run(
            List.of(
                "gcc",
                "-std=gnu11",
                "-O2",
                "-shared",
                "-fPIC",
                "-Wl,-soname,libnvidia-ml.so.1",
                "-o",
                library.toString(),
                source.toString()),
            Map.of(),
            null,
            Duration.ofSeconds(120))
        .orThrow("gcc " + source);
    GpuStandIn standIn = new GpuStandIn(library, dir.resolve("nvml-scenario.conf"));
    standIn.writeScenario(List.of());
    return standIn;
  }

  Path library() {
    return library;
  }

  Path scenario() {
    return scenario;
  }

  /**
   * Three GPUs at 0%: GPU 0 and 1 hold about 9.5 GiB of models each (by {@code modelPids}, the host
   * pids of the container serving them), GPU 2 holds 7 MiB as in the report.
   */
  void writeScenario(List<Long> modelPids) throws IOException {
    List<String> lines =
        new ArrayList<>(List.of("init = SUCCESS", "gpus = 3", "driver_version = 550.54.15"));
    for (int i = 0; i < 3; i++) {
      String p = "gpu." + i + ".";
      long used = i < 2 ? 9_728L * (1 << 20) : 7L * (1 << 20);
      lines.addAll(
          List.of(
              p + "name = NVIDIA GeForce RTX 3060 (simulated)",
              p + "uuid = GPU-0pspu15e-1ab0-0000-0000-00000000000" + i,
              p + "pci_bus_id = 00000000:0" + (1 + i) + ":00.0",
              p + "utilization.gpu = 0",
              p + "utilization.memory = 0",
              p + "memory.total = " + GPU_MEMORY,
              p + "memory.used = " + used,
              p + "memory.reserved = " + (256L << 20),
              p + "temperature = " + (34 + i),
              p + "power = " + (17_000 + 500 * i),
              p + "power_limit = 170000",
              p + "energy = " + (4_000_000_000L + i),
              p + "clock.sm = 210",
              p + "clock.memory = 405",
              p + "clock_event_reasons = 0x1",
              p + "ecc.corrected = 0",
              p + "ecc.uncorrected = 0"));
      if (i < 2 && !modelPids.isEmpty()) {
        List<String> procs = new ArrayList<>();
        long each = (used - (64L << 20)) / modelPids.size();
        modelPids.forEach(pid -> procs.add(pid + ":" + each + ":0"));
        lines.add(p + "processes = " + String.join(", ", procs));
      }
    }
    Files.writeString(scenario, String.join("\n", lines) + "\n");
    // The stand-in rereads the file when its mtime moves; make sure it does even within one clock
    // tick.
    Files.setLastModifiedTime(scenario, FileTime.from(Instant.now().plusSeconds(1)));
  }
}
