package io.opspulse.exporter;

import java.io.IOException;

/** A failed Engine API call: the daemon answered an error status, or could not be reached. */
final class EngineException extends IOException {
  private final int status;

  EngineException(String message, int status) {
    super(message);
    this.status = status;
  }

  EngineException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  /** The HTTP status the daemon answered, or 0 when it did not answer. */
  int status() {
    return status;
  }

  /** The object is gone: a container removed between list and inspect, say. */
  boolean isNotFound() {
    return status == 404;
  }
}
