package io.opspulse.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes lab/README.md from {@link Incidents}: what the lab is, and the incident → alert →
 * dashboard panel → what the lab does table. LabReadmeTest fails when the committed file and this
 * differ.
 *
 * <pre>
 * ./opspulse build &amp;&amp; java -cp lab/target/opspulse-lab.jar io.opspulse.lab.LabReadme lab/README.md
 * </pre>
 */
public final class LabReadme {
  static final String REGENERATE =
      "./opspulse build && java -cp lab/target/opspulse-lab.jar io.opspulse.lab.LabReadme lab/README.md";

  private LabReadme() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: LabReadme lab/README.md");
      System.exit(2);
    }
    Files.writeString(Path.of(args[0]), render());
  }

  static String render() {
    StringBuilder md = new StringBuilder();
    md.append(
        """
        # The incident lab

        <!-- Generated from lab/src/main/java/io/opspulse/lab/Incidents.java by LabReadme; do not edit.
             Regenerate: %s -->

        `./opspulse lab` re-creates the incidents of the reports on one machine and shows the pack catching
        each: a private dockerd (its own socket, data root and containerd, no bridge, no iptables) running
        the incident containers, the exporter (GPUs simulated by gpu-probe's NVML stand-in), a real
        Prometheus loading the alert rules with every `for:` cut to %s, node_exporter, and a demo JVM
        service under the agent with load. Every ten seconds it prints which alerts fire, each next to its
        incident. It needs root (the private dockerd), or `--docker-host URL` to watch an engine of yours
        without adding containers (then only the JVM and GPU incidents are re-created). `./opspulse stop`
        or Ctrl-C removes everything it started, by pid.

        | incident (report) | alert | dashboard › panel | what the lab does |
        |---|---|---|---|
        """
            .formatted(REGENERATE, LabRules.LAB_FOR));
    for (Incidents.Incident i : Incidents.all().values()) {
      md.append("| ")
          .append(cell(i.incident()))
          .append(" (")
          .append(i.report())
          .append(") | `")
          .append(i.alert())
          .append("` | ")
          .append(cell(i.dashboard()))
          .append(" › ")
          .append(cell(i.panel()))
          .append(" | ")
          .append(cell(i.recreatedBy()))
          .append(Incidents.needsLabContainers(i.alert()) ? "" : " (also with `--docker-host`)")
          .append(" |\n");
    }
    md.append(
        """

        Each alert's runbook: [docs/runbooks.md](../docs/runbooks.md). The dashboards: [dashboards/](../dashboards).
        LabIT starts the lab and waits for every alert above to fire.
        """);
    return md.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }
}
