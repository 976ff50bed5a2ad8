package io.opspulse.webconfig;

/**
 * A web-config file that cannot be used, as {@code file:line: key: what is wrong}. Unchecked and an
 * {@link IllegalArgumentException}, so a command line that already exits 2 on bad arguments exits 2
 * on a bad web-config file too.
 */
public final class WebConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public WebConfigException(String message) {
    super(message);
  }

  public WebConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
