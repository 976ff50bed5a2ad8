package io.opspulse.exporter;

/** A compose file that could not be used, with where and why: {@code file:line: field: what is wrong}. */
final class ComposeFileException extends Exception {
  ComposeFileException(String message) {
    super(message);
  }

  ComposeFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
