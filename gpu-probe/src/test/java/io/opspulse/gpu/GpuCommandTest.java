package io.opspulse.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The gpu command as a user runs it: one poll, a table or JSON, container names from a directory.
 */
class GpuCommandTest {
  static final String OLLAMA = CgroupOwnersTest.A;

  @TempDir Path tmp;
  Path proc;

  record Run(int exit, String out, String err) {}

  @BeforeEach
  void host() throws IOException {
    proc = Files.createDirectories(tmp.resolve("proc"));
    Files.createDirectories(proc.resolve("5001"));
    Files.writeString(
        proc.resolve("5001/cgroup"), "0::/system.slice/docker-" + OLLAMA + ".scope\n");
    Files.createDirectories(proc.resolve("7001"));
    Files.writeString(
        proc.resolve("7001/cgroup"), "0::/user.slice/user-1000.slice/session-4.scope\n");
    Scenario.fullGpus(2)
        .fail(0, "temperature", "NOT_SUPPORTED")
        .processes(1, "5001:4294967296:0", "7001:104857600:12", "9999999:536870912:0")
        .install();
  }

  private Run run(ContainerDirectory directory, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new GpuCommand(directory));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of("--proc-root", proc.toString()));
    all.addAll(List.of(args));
    int exit = cli.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  private static ContainerDirectory ollama() {
    return ContainerDirectory.of(
        Map.of(
            OLLAMA.substring(0, 12),
            new ContainerRef(OLLAMA.substring(0, 12), "ai-ollama-1", "ollama")));
  }

  @Test
  void theTableShowsEachGpuAndTheContainerOwningEachProcess() {
    Run r = run(ollama());
    assertThat(r.exit()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).startsWith("NVML driver 550.54.15, 2 GPU(s), polled in ");
    assertThat(lines.get(1))
        .startsWith("GPU  Name")
        .contains("Bus-Id")
        .contains("Memory used / total")
        .contains("Throttle");
    assertThat(lines.get(2))
        .matches(
            "0 +NVIDIA A100-SXM4-40GB +00000000:07:00\\.0 +N/A +123W / 400W +1024MiB / 40960MiB +37% +12% +"
                + "1410 / 1215 +3 / 0 +sw_power_cap,hw_thermal_slowdown");
    assertThat(lines.get(3)).matches("1 +NVIDIA A100-SXM4-40GB +00000000:08:00\\.0 +55C .*");
    assertThat(lines)
        .anySatisfy(
            l ->
                assertThat(l)
                    .matches(
                        "1 +5001 +compute +4096MiB +0% +ai-ollama-1 +ollama +"
                            + OLLAMA.substring(0, 12)));
    assertThat(lines)
        .anySatisfy(l -> assertThat(l).matches("1 +7001 +compute +100MiB +12% +\\(host\\)"));
    assertThat(lines)
        .anySatisfy(l -> assertThat(l).matches("1 +9999999 +compute +512MiB +0% +\\(pid gone\\)"));
  }

  @Test
  void migInstancesGetATableAndJsonOfTheirOwn() throws IOException {
    Scenario.fullGpus(1)
        .mig(0, "1g.5gb", "3g.20gb")
        .gpu(0, "mig.1.processes", "5001:1073741824")
        .install();
    Run table = run(ollama());
    assertThat(table.exit()).isZero();
    assertThat(table.out().lines())
        .anySatisfy(l -> assertThat(l).startsWith("GPU  MIG  GI  Profile"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .matches(
                        "0 +1 +2 +3g\\.20gb +2048MiB / 5120MiB +5001 +MIG-1c2d3e4f-0000-1111-2222-000000000001"));
    JsonNode mig =
        new ObjectMapper()
            .readTree(run(ollama(), "--json").out())
            .get("gpus")
            .get(0)
            .get("mig_devices");
    assertThat(mig).hasSize(2);
    assertThat(mig.get(1).get("gpu_instance_id").asInt()).isEqualTo(2);
    assertThat(mig.get(1).get("profile").asText()).isEqualTo("3g.20gb");
    assertThat(mig.get(1).get("pids").get(0).asLong()).isEqualTo(5001);
  }

  @Test
  void jsonCarriesEveryReadingNullsForUnavailableOnesAndWhy() throws IOException {
    Run r = run(ollama(), "--json");
    assertThat(r.exit()).isZero();
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertThat(root.get("status").asText()).isEqualTo("ok");
    JsonNode gpu0 = root.get("gpus").get(0);
    assertThat(gpu0.get("temperature_celsius").isNull()).isTrue();
    assertThat(gpu0.get("unavailable").get("temperature").asText()).isEqualTo("NOT_SUPPORTED");
    assertThat(gpu0.get("power_milliwatts").asLong()).isEqualTo(123456);
    assertThat(gpu0.get("memory_total_bytes").asLong()).isEqualTo(42949672960L);
    assertThat(gpu0.get("throttle_reasons").toString())
        .isEqualTo("[\"sw_power_cap\",\"hw_thermal_slowdown\"]");
    JsonNode p = root.get("gpus").get(1).get("processes").get(0);
    assertThat(p.get("pid").asLong()).isEqualTo(5001);
    assertThat(p.get("owner").asText()).isEqualTo("container");
    assertThat(p.get("runtime").asText()).isEqualTo("docker");
    assertThat(p.get("container_name").asText()).isEqualTo("ai-ollama-1");
    assertThat(p.get("compose_service").asText()).isEqualTo("ollama");
    JsonNode gone = root.get("gpus").get(1).get("processes").get(2);
    assertThat(gone.get("pid_exists").asBoolean()).isFalse();
    assertThat(gone.get("owner").asText()).isEqualTo("gone");
  }

  @Test
  void aContainersFileNamesContainersForTheStandaloneCommand() throws IOException {
    Path file = tmp.resolve("containers.txt");
    Files.writeString(file, "# id name service\n" + OLLAMA + " ollama-from-file ollama\n");
    Run r = run(ContainerDirectory.NONE, "--containers", file.toString());
    assertThat(r.out()).contains("ollama-from-file");
  }

  @Test
  void aBadContainersLineNamesTheFileAndLine() throws IOException {
    Path file = tmp.resolve("containers.txt");
    Files.writeString(file, OLLAMA + " ok\nnot-an-id name\n");
    Run r = run(ContainerDirectory.NONE, "--containers", file.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains(file + ":2").contains("not-an-id");
  }

  @Test
  void withoutNvmlItSaysWhyAndExitsWithItsOwnCode() {
    System.setProperty(
        NvmlLibrary.LIBRARY_PROPERTY, tmp.resolve("missing/libnvidia-ml.so.1").toString());
    try {
      Run r = run(ContainerDirectory.NONE);
      assertThat(r.exit()).isEqualTo(GpuCommand.EXIT_NO_NVML);
      assertThat(r.out()).startsWith("No GPU readings (library_missing)");
      assertThat(r.err()).contains("missing/libnvidia-ml.so.1");
    } finally {
      System.clearProperty(NvmlLibrary.LIBRARY_PROPERTY);
    }
  }
}
