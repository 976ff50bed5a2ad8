package io.opspulse.agent.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** The agent's few log lines, on stderr with a prefix; repeated problems are logged once. */
final class AgentLog {
  private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();

  private AgentLog() {}

  static void info(String message) {
    System.err.println("[opspulse-agent] " + message);
  }

  /** Logs the first occurrence of each {@code key}; later ones are only counted by the caller. */
  static void warnOnce(String key, String message, @Nullable Throwable error) {
    if (ONCE.size() < 1000 && ONCE.add(key)) {
      System.err.println("[opspulse-agent] " + message + (error == null ? "" : ": " + error));
    }
  }
}
