package io.opspulse.exporter;

/**
 * What a container's exit means. The code alone misleads: 137 is an OOM kill only when Docker says
 * the OOM killer fired, otherwise someone sent SIGKILL; 127 and 126 are the shell's "command not
 * found" and "not executable", the signature of a broken image or entrypoint rather than a crashing
 * program.
 */
public enum ExitReason {
  COMPLETED("completed"),
  ERROR("error"),
  NOT_EXECUTABLE("not_executable"),
  COMMAND_NOT_FOUND("command_not_found"),
  OOM_KILLED("oom_killed"),
  KILLED("killed"),
  SEGFAULT("segfault"),
  TERMINATED("terminated");

  private final String label;

  ExitReason(String label) {
    this.label = label;
  }

  /** The value of the {@code reason} label. */
  public String label() {
    return label;
  }

  public static ExitReason classify(int exitCode, boolean oomKilled) {
    if (oomKilled) {
      return OOM_KILLED;
    }
    return switch (exitCode) {
      case 0 -> COMPLETED;
      case 126 -> NOT_EXECUTABLE;
      case 127 -> COMMAND_NOT_FOUND;
      case 137 -> KILLED;
      case 139 -> SEGFAULT;
      case 143 -> TERMINATED;
      default -> ERROR;
    };
  }

  /** A sentence a person reads in the report. */
  public String meaning() {
    return switch (this) {
      case COMPLETED -> "exited normally (0)";
      case ERROR -> "the program failed (non-zero exit)";
      case NOT_EXECUTABLE ->
          "126: the command exists but cannot be executed (permissions, wrong format)";
      case COMMAND_NOT_FOUND ->
          "127: command not found (missing binary, wrong PATH or WORKDIR, broken entrypoint)";
      case OOM_KILLED -> "killed by the kernel's OOM killer: it hit its memory limit";
      case KILLED ->
          "137: killed by SIGKILL (docker kill, or stop timed out), not by the OOM killer";
      case SEGFAULT -> "139: segmentation fault";
      case TERMINATED -> "143: stopped by SIGTERM (a normal docker stop)";
    };
  }
}
