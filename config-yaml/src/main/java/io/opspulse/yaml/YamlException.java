package io.opspulse.yaml;

import org.jspecify.annotations.Nullable;

/**
 * A configuration file with something wrong in it, as {@code file:line: key: what is wrong}. Each
 * reader turns it into its own exception type; {@link #kind()} says whether the file was not YAML,
 * was refused by a limit, or was YAML of the wrong shape.
 */
public final class YamlException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** What kind of problem: readers that count failures by kind label them with it. */
  public enum Kind {
    /** Not YAML at all. */
    SYNTAX,
    /** YAML the reader refuses before expanding it: too long, too many aliases, nested too deep. */
    LIMIT,
    /**
     * Valid YAML that is not what the file should hold: wrong type, unknown or duplicate key, bad
     * value.
     */
    SCHEMA
  }

  /** The key named for problems with the YAML itself rather than with one key's value. */
  public static final String WHOLE_FILE = "(yaml)";

  private final Kind kind;
  private final String file;
  private final int line;
  private final String key;
  private final String problem;

  YamlException(
      Kind kind, String file, int line, String key, String problem, @Nullable Throwable cause) {
    super(file + ":" + line + ": " + key + ": " + problem, cause);
    this.kind = kind;
    this.file = file;
    this.line = line;
    this.key = key;
    this.problem = problem;
  }

  public Kind kind() {
    return kind;
  }

  /** The file's name as the reader was given it. */
  public String file() {
    return file;
  }

  /** 1-based line of the offending key or value; 0 where no line is known. */
  public int line() {
    return line;
  }

  /**
   * Dotted path of the offending key ({@code alerts.X.for}, {@code items[2]}), or {@link
   * #WHOLE_FILE}.
   */
  public String key() {
    return key;
  }

  /** What is wrong, without the file, line and key. */
  public String problem() {
    return problem;
  }

  /** Never null: every one is made with its {@code file:line: key: what is wrong} text. */
  @Override
  public String getMessage() {
    return String.valueOf(super.getMessage());
  }
}
