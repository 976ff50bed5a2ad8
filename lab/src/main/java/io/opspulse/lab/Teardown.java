package io.opspulse.lab;

import io.opspulse.testkit.CommandResult;
import io.opspulse.testkit.Commands;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Removes everything a lab's state file names, from any process: the lab's JVM first (its shutdown
 * hook does the orderly stop), then each recorded process by pid in reverse start order, the
 * private daemon's containers, the daemon, its own containerd, anything still naming its folders,
 * and the folders. Idempotent.
 */
final class Teardown {
  private Teardown() {}

  static void fromState(LabState.Data d, @Nullable PrintStream out) {
    long self = ProcessHandle.current().pid();
    if (d.labPid() != self) {
      LabState.Proc lab = new LabState.Proc("lab", d.labPid(), d.labStartMillis());
      Reaper.find(lab)
          .ifPresent(
              h -> {
                say(out, "asking the lab (pid " + h.pid() + ") to stop");
                Reaper.stop(h, Duration.ofSeconds(120));
              });
    }
    List<LabState.Proc> procs = new ArrayList<>(d.processes());
    Collections.reverse(procs);
    for (LabState.Proc p : procs) {
      if (p.label().equals("dockerd") || p.label().equals("containerd")) {
        continue;
      }
      Reaper.find(p)
          .ifPresent(
              h -> {
                say(out, "stopping " + p.label() + " (pid " + p.pid() + ")");
                Reaper.stop(h, Duration.ofSeconds(15));
              });
    }
    String host = d.dockerHost(); // saved together with the private daemon's root
    if (d.privateDaemonRoot() != null) {
      procs.stream()
          .filter(p -> p.label().equals("dockerd"))
          .findFirst()
          .flatMap(Reaper::find)
          .ifPresent(
              h -> {
                List<String> ids =
                    host == null
                        ? List.of()
                        : docker(host, List.of("ps", "-aq"))
                            .stdout()
                            .lines()
                            .filter(s -> !s.isBlank())
                            .toList();
                if (!ids.isEmpty()) {
                  say(out, "removing " + ids.size() + " lab containers");
                  List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                  rm.addAll(ids);
                  docker(Objects.requireNonNull(host), rm);
                }
                say(out, "stopping dockerd (pid " + h.pid() + ")");
                Reaper.stop(h, Duration.ofSeconds(30));
              });
      procs.stream()
          .filter(p -> p.label().equals("containerd"))
          .findFirst()
          .flatMap(Reaper::find)
          .ifPresent(
              h -> {
                say(out, "stopping the lab's containerd (pid " + h.pid() + ")");
                Reaper.stop(h, Duration.ofSeconds(30));
              });
      for (ProcessHandle straggler : Reaper.namingFolder(d.privateDaemonRoot())) {
        say(
            out,
            "killing leftover pid "
                + straggler.pid()
                + ": "
                + straggler.info().commandLine().orElse("?"));
        straggler.destroyForcibly();
      }
      Reaper.removeTree(d.privateDaemonRoot());
    }
    if (d.workDir() != null) {
      Reaper.namingFolder(d.workDir()).forEach(ProcessHandle::destroyForcibly);
    }
    d.dirs().forEach(Reaper::removeTree);
    Reaper.removeTree(d.workDir());
  }

  private static CommandResult docker(String host, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(args);
    try {
      return Commands.run(cmd, Map.of("DOCKER_HOST", host), null, Duration.ofSeconds(120));
    } catch (RuntimeException e) {
      return new CommandResult(-1, "", String.valueOf(e.getMessage()));
    }
  }

  private static void say(@Nullable PrintStream out, String what) {
    if (out != null) {
      out.println("[stop] " + what);
    }
  }
}
