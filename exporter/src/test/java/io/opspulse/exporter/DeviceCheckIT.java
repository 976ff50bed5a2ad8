package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.CommandResult;
import io.opspulse.testkit.Commands;
import io.opspulse.testkit.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gpu-probe/device-check.sh as a GPU machine runs it, on a machine without one: the real exporter
 * jar and the real NVML binding load gpu-probe's NVML stand-in, and the nvidia-smi it compares with
 * is a test double (gpu-probe/src/test/sh/fake-nvidia-smi) answering from the same scenario. This
 * proves the script's plumbing, its comparisons and its verdicts, not the driver: that takes a run
 * on a real GPU.
 */
class DeviceCheckIT {
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final Path SCRIPT = REPO.resolve("gpu-probe/device-check.sh");
  static final Path FAKE_SMI = REPO.resolve("gpu-probe/src/test/sh/fake-nvidia-smi");
  static final Path JAR = Path.of("target/opspulse-exporter.jar").toAbsolutePath();

  static final List<String> FIELDS =
      List.of(
          "name",
          "uuid",
          "memory.used",
          "memory.total",
          "utilization.gpu",
          "temperature.gpu",
          "power.draw",
          "clocks.sm",
          "clocks.mem");

  @TempDir static Path dir;
  static Path library;

  @BeforeAll
  static void standIn() {
    library = dir.resolve("libnvidia-ml.so.1");
    Commands.run(
            List.of(
                "gcc",
                "-std=gnu11",
                "-O2",
                "-shared",
                "-fPIC",
                "-pthread",
                "-Wl,-soname,libnvidia-ml.so.1",
                "-o",
                library.toString(),
                REPO.resolve("gpu-probe/src/test/c/nvml_standin.c").toString()),
            Map.of(),
            null,
            Duration.ofSeconds(120))
        .orThrow("gcc nvml_standin.c");
  }

  /**
   * Two H100s under load; GPU 0 runs this JVM as a compute process, GPU 1 has NVLink and an XID 79.
   */
  static String scenario(int gpu1Temperature, long ownProcessBytes) {
    long pid = ProcessHandle.current().pid();
    return String.join(
            "\n",
            "gpus = 2",
            "driver_version = 550.54.15",
            "gpu.0.name = NVIDIA H100 80GB HBM3",
            "gpu.0.uuid = GPU-9a8b7c6d-0000-1111-2222-000000000000",
            "gpu.0.memory.total = 85520809984",
            "gpu.0.memory.used = 1610612736",
            "gpu.0.utilization.gpu = 97",
            "gpu.0.temperature = 61",
            "gpu.0.power = 312456",
            "gpu.0.clock.sm = 1980",
            "gpu.0.clock.memory = 2619",
            "gpu.0.processes = " + pid + ":" + ownProcessBytes + ":90",
            "gpu.1.name = NVIDIA H100 80GB HBM3",
            "gpu.1.uuid = GPU-9a8b7c6d-0000-1111-2222-000000000001",
            "gpu.1.memory.total = 85520809984",
            "gpu.1.memory.used = 0",
            "gpu.1.temperature = " + gpu1Temperature,
            "gpu.1.power = 71000",
            "gpu.1.clock.sm = 345",
            "gpu.1.clock.memory = 2619",
            "gpu.1.nvlink.links = 2",
            "gpu.1.xid = 79")
        + "\n";
  }

  private CommandResult runCheck(Path out, Path scenario, Path smiScenario) {
    Map<String, String> env = new HashMap<>();
    env.put("OPSPULSE_EXPORTER_JAR", JAR.toString());
    env.put("OPSPULSE_NVML_LIBRARY", library.toString());
    env.put("OPSPULSE_NVML_SCENARIO", scenario.toString());
    env.put("NVIDIA_SMI", FAKE_SMI.toString());
    env.put("OPSPULSE_GPU_LOAD", "none");
    env.put("OPSPULSE_PORT", Integer.toString(Ports.freeLoopbackPort()));
    env.put("DOCKER_HOST", "unix://" + dir.resolve("no-docker.sock"));
    // The stand-in's poll time says nothing about a driver, and on a loaded build machine its wall
    // time
    // is the load's: the run must measure and report it, but only a real GPU is held to 5 ms.
    env.put("OPSPULSE_POLL_GOAL_MS", "1000");
    if (smiScenario != null) {
      env.put("FAKE_NVIDIA_SMI_SCENARIO", smiScenario.toString());
    }
    return Commands.run(
        List.of("bash", SCRIPT.toString(), out.toString()), env, null, Duration.ofMinutes(5));
  }

  @Test
  void agreeingReadingsPassEveryFieldOfEveryGpuAndThePollTimeIsMeasured() throws IOException {
    assertThat(JAR).as("the exporter jar is packaged before integration tests").exists();
    Path scenario = Files.writeString(dir.resolve("agree.conf"), scenario(38, 1L << 30));
    Path out = dir.resolve("agree");
    CommandResult r = runCheck(out, scenario, null);
    assertThat(r.exitCode()).as("exit; stderr: %s", r.stderr()).isZero();
    assertThat(Files.readString(out.resolve("verdict.txt")))
        .startsWith("PASS fields: 37 passed, 0 failed");

    List<String[]> rows =
        Files.readAllLines(out.resolve("comparison.tsv")).stream()
            .skip(1)
            .map(l -> l.split("\t"))
            .toList();
    for (String source : List.of("exporter", "gpu --json")) {
      for (String gpu : List.of("0", "1")) {
        for (String field : FIELDS) {
          assertThat(rows)
              .as("%s gpu %s %s", source, gpu, field)
              .anySatisfy(
                  c ->
                      assertThat(List.of(c[0], c[1], c[2], c[6]))
                          .containsExactly(source, gpu, field, "PASS"));
        }
      }
    }
    assertThat(rows)
        .anySatisfy(
            c ->
                assertThat(c[2])
                    .isEqualTo("process " + ProcessHandle.current().pid() + " used_memory"));
    assertThat(Files.readString(out.resolve("comparison.md")))
        .contains("| exporter | 1 | temperature.gpu | 38 | 38 | ±3 | PASS |");
    assertThat(Files.readString(out.resolve("poll-timing.md")))
        .containsPattern("\\| 2 \\| 100 \\| [0-9.]+ ms \\|")
        .contains("< 1000.0 ms");
    assertThat(Files.readString(out.resolve("signals.md")))
        .contains("opspulse_gpu_nvlink_up")
        .contains("xid=79");
    assertThat(Files.readString(out.resolve("environment.txt")))
        .contains("GPU 1: NVIDIA H100 80GB HBM3")
        .contains("load: none");
    assertThat(Files.readString(out.resolve("gpu-table.txt")))
        .contains("NVML driver 550.54.15, 2 GPU(s)");
  }

  @Test
  void aReadingThatDisagreesWithNvidiaSmiFailsThatFieldAndTheRun() throws IOException {
    Path scenario = Files.writeString(dir.resolve("nvml.conf"), scenario(38, 1L << 30));
    // nvidia-smi sees GPU 1 ten degrees hotter and this process holding 64 MiB more than NVML says.
    Path smiScenario =
        Files.writeString(dir.resolve("smi.conf"), scenario(48, (1L << 30) + (64L << 20)));
    Path out = dir.resolve("disagree");
    CommandResult r = runCheck(out, scenario, smiScenario);
    assertThat(r.exitCode()).as("exit; stderr: %s", r.stderr()).isEqualTo(1);
    assertThat(Files.readString(out.resolve("verdict.txt")))
        .startsWith("FAIL fields: 34 passed, 3 failed");
    List<String> failed =
        Files.readAllLines(out.resolve("comparison.tsv")).stream()
            .filter(l -> l.endsWith("\tFAIL"))
            .map(l -> String.join(" ", List.of(l.split("\t")).subList(0, 3)))
            .toList();
    assertThat(failed)
        .containsExactlyInAnyOrder(
            "exporter 1 temperature.gpu",
            "gpu --json 1 temperature.gpu",
            "exporter 0 process " + ProcessHandle.current().pid() + " used_memory");
  }
}
