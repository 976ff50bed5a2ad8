package io.opspulse.lab;

import java.io.PrintStream;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * How to run the lab.
 *
 * @param repo the opspulse checkout: built jars, the NVML stand-in's source, dashboards
 * @param dockerHost a Docker engine of the user's own ({@code unix://} or {@code tcp://}); null
 *     starts a private daemon with the incident containers
 * @param stateFile where the pids, ports and folders are recorded for {@code stop}
 * @param labJar the shaded lab jar the demo service runs from
 * @param out where progress goes
 */
public record LabConfig(
    Path repo, @Nullable String dockerHost, Path stateFile, Path labJar, PrintStream out) {
  public LabConfig {
    repo = repo.toAbsolutePath().normalize();
    stateFile = stateFile.toAbsolutePath();
    labJar = labJar.toAbsolutePath();
  }

  /**
   * Defaults for a checkout: state in {@code .lab/state.json}, the jar under {@code lab/target}.
   */
  public static LabConfig forRepo(Path repo, @Nullable String dockerHost, PrintStream out) {
    Path r = repo.toAbsolutePath().normalize();
    return new LabConfig(
        r, dockerHost, r.resolve(".lab/state.json"), r.resolve("lab/target/opspulse-lab.jar"), out);
  }

  public LabConfig withStateFile(Path file) {
    return new LabConfig(repo, dockerHost, file, labJar, out);
  }

  public LabConfig withLabJar(Path jar) {
    return new LabConfig(repo, dockerHost, stateFile, jar, out);
  }

  public boolean privateDaemon() {
    return dockerHost == null;
  }

  Path exporterJar() {
    return repo.resolve("exporter/target/opspulse-exporter.jar");
  }

  Path agentJar() {
    return repo.resolve("javaagent/target/opspulse-agent.jar");
  }
}
