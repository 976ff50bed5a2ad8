package io.opspulse.petclinic;

/** What the application throws: the error_type expected, not the container's wrapper. */
public class VisitsClosedException extends RuntimeException {
  public VisitsClosedException(String message) {
    super(message);
  }
}
