package io.opspulse.exporter;

/** Where a container comes from, measured against the declared state in the compose files. */
public enum Origin {
  /** A compose service the compose files declare. */
  DECLARED("declared"),
  /** Carries a compose project label, but its service is no longer in the project's files. */
  ORPHAN("orphan"),
  /** Made by {@code docker compose run}. */
  ONEOFF("oneoff"),
  /** No compose labels, and a name from Docker's adjective_surname generator: nobody named it. */
  ANONYMOUS("anonymous"),
  /** No compose labels, a name somebody chose. */
  UNMANAGED("unmanaged"),
  /** Matches a configured deprecated image or name pattern; takes precedence over the others. */
  DEPRECATED("deprecated");

  private final String label;

  Origin(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
