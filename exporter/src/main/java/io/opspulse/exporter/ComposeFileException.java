package io.opspulse.exporter;

import java.util.Locale;

/**
 * A compose file that could not be used, with where and why: {@code file:line: field: what is
 * wrong}, and a {@link Kind} from a small fixed set, which is what the error metric's label carries
 * (the message, free text that can name anything in the file, goes only to the log and {@code
 * report}).
 */
final class ComposeFileException extends Exception {
  /** Why a file could not be used; {@link #label()} is the metric label value. */
  enum Kind {
    /** The file (or a file it includes) does not exist. */
    NOT_FOUND,
    /** It exists but cannot be read (permissions, a folder, an I/O error). */
    UNREADABLE,
    /** Larger than a compose file may be. */
    TOO_LARGE,
    /** Not valid YAML, or YAML the parser refuses (too many aliases, too deep). */
    YAML_SYNTAX,
    /**
     * Valid YAML that is not a compose file as compose reads it (wrong types, bad replica counts).
     */
    SCHEMA,
    /**
     * A {@code ${VAR}} that cannot be interpolated: bad syntax, or {@code ${VAR:?message}} unset.
     */
    INTERPOLATION,
    /** {@code include:} leads back to a file already being included, or nests too deep. */
    INCLUDE_CYCLE;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Kind kind;

  ComposeFileException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  ComposeFileException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  Kind kind() {
    return kind;
  }
}
