package io.opspulse.exporter;

/** A configuration file that cannot be used: {@code file:line: field: what is wrong}. */
public final class ConfigFileException extends Exception {
  public ConfigFileException(String message) {
    super(message);
  }
}
