package io.opspulse.rules;

import io.opspulse.yaml.YamlException;

/**
 * An overrides file with something wrong in it; the message is {@code file:line: key: what is
 * wrong}.
 */
public final class OverridesException extends IllegalArgumentException {
  private final String file;
  private final int line;
  private final String key;

  /** The shared reader's error, as this file's. */
  OverridesException(YamlException e) {
    super(e.getMessage(), e);
    this.file = e.file();
    this.line = e.line();
    this.key = e.key();
  }

  public String file() {
    return file;
  }

  /** 1-based line of the offending key or value. */
  public int line() {
    return line;
  }

  /**
   * The dotted path of the offending key, e.g. {@code alerts.OpspulseContainerCrashLooping.for}.
   */
  public String key() {
    return key;
  }
}
