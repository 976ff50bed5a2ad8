package io.opspulse.webconfig;

import java.util.Map;

/**
 * {@code http_server_config}. {@code http2} is read and kept for fidelity but has no effect: the
 * JDK's {@code com.sun.net.httpserver} speaks HTTP/1.1 only. {@code headers} are set on every
 * response, from exporter-toolkit's short list of allowed security headers.
 */
public record HttpServerConfig(boolean http2, Map<String, String> headers) {
  public static final HttpServerConfig DEFAULT = new HttpServerConfig(true, Map.of());

  public HttpServerConfig {
    headers = Map.copyOf(headers);
  }
}
