package io.opspulse.gpu;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gpu}: polls NVML once and prints an nvidia-smi-like table, with the container that owns
 * each process, or {@code --json}. The exporter mounts this as its {@code gpu} subcommand with a
 * {@link ContainerDirectory} backed by its fleet model; standalone, {@code --containers FILE} names
 * containers from a file of {@code <id> <name> [compose-service]} lines.
 */
@Command(
    name = "gpu",
    mixinStandardHelpOptions = true,
    description = "Show the GPUs NVML reports and the containers whose processes use them.")
public final class GpuCommand implements Callable<Integer> {
  /** Exit code when there is no usable NVML (the output says why). */
  public static final int EXIT_NO_NVML = 3;

  private final ContainerDirectory directory;

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Option(
      names = "--proc-root",
      paramLabel = "DIR",
      defaultValue = "/proc",
      description = "The host's /proc (default: ${DEFAULT-VALUE}); with --pid=host it is /proc.")
  Path procRoot;

  @Option(
      names = "--containers",
      paramLabel = "FILE",
      description = "Container names: lines of '<id> <name> [compose-service]', # for comments.")
  @Nullable Path containersFile;

  public GpuCommand() {
    this(ContainerDirectory.NONE);
  }

  public GpuCommand(ContainerDirectory directory) {
    this.directory = Objects.requireNonNull(directory, "directory");
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new GpuCommand()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    ContainerDirectory names = containersFile == null ? directory : readContainers(containersFile);
    GpuSnapshot s;
    try (GpuProbe probe = GpuProbe.builder().procRoot(procRoot).build()) {
      s = probe.poll();
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? GpuJson.render(s, names) : GpuTable.render(s, names));
    out.flush();
    if (!s.ok()) {
      spec.commandLine().getErr().println("gpu: " + s.reason());
      spec.commandLine().getErr().flush();
      return EXIT_NO_NVML;
    }
    return 0;
  }

  /** Reads a containers file; a bad line fails with the file and line number. */
  private ContainerDirectory readContainers(Path file) throws IOException {
    Map<String, ContainerRef> map = new HashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      if (f.length < 2 || f.length > 3 || !f[0].matches("[0-9a-fA-F]{12,64}")) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            file
                + ":"
                + (i + 1)
                + ": expected '<container id, 12-64 hex> <name> [compose-service]', got '"
                + line
                + "'");
      }
      String id = f[0].toLowerCase(java.util.Locale.ROOT);
      map.put(id, new ContainerRef(id.substring(0, 12), f[1], f.length == 3 ? f[2] : ""));
    }
    return ContainerDirectory.of(map);
  }
}
