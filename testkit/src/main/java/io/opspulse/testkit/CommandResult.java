package io.opspulse.testkit;

/** What a finished command printed and returned. */
public record CommandResult(int exitCode, String stdout, String stderr) {
  public CommandResult orThrow(String what) {
    if (exitCode != 0) {
      throw new IllegalStateException(
          what + " exited " + exitCode + ": " + stderr.strip() + " " + stdout.strip());
    }
    return this;
  }
}
