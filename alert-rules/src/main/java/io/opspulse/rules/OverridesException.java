package io.opspulse.rules;

import org.jspecify.annotations.Nullable;

/** An overrides file with something wrong in it; the message is {@code file:line: key: what is wrong}. */
public final class OverridesException extends IllegalArgumentException {
  private final String file;
  private final int line;
  private final String key;

  OverridesException(String file, int line, String key, @Nullable String problem) {
    super(file + ":" + line + ": " + key + ": " + problem);
    this.file = file;
    this.line = line;
    this.key = key;
  }

  public String file() {
    return file;
  }

  /** 1-based line of the offending key or value. */
  public int line() {
    return line;
  }

  /** The dotted path of the offending key, e.g. {@code alerts.OpspulseContainerCrashLooping.for}. */
  public String key() {
    return key;
  }
}
