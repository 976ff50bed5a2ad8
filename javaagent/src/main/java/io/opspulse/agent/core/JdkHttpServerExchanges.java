package io.opspulse.agent.core;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import org.jspecify.annotations.Nullable;

/**
 * Reads an exchange of the JDK's {@code com.sun.net.httpserver}, a JDK module every class loader
 * sees, so through its own types.
 */
final class JdkHttpServerExchanges {
  /** The agent's classes, its endpoints' handlers among them (shaded ones too). */
  private static final String AGENT_PACKAGE = "io.opspulse.agent.";

  private JdkHttpServerExchanges() {}

  /**
   * The path of the context the exchange runs in, or null for the agent's own endpoint. Read when
   * the handling begins: the JDK keeps the context on the connection, which a keep-alive client's
   * next request takes over as soon as this response was sent.
   */
  static @Nullable String context(Object exchange) {
    HttpContext context = ((HttpExchange) exchange).getHttpContext();
    return context.getHandler().getClass().getName().startsWith(AGENT_PACKAGE)
        ? null
        : context.getPath();
  }
}
