package io.opspulse.agent.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The JVM start times of one service, kept in a small file ({@code <dir>/<service>.starts}, one
 * epoch millisecond a line) so that a service crashing faster than Prometheus scrapes still shows
 * its restarts: each start appends itself and reads the others. Entries older than the longest
 * window are dropped.
 */
final class StartHistory {
  static final Duration KEEP = Duration.ofHours(24);
  private static final int MAX_ENTRIES = 10_000;

  private final List<Long> starts;

  private StartHistory(List<Long> starts) {
    this.starts = List.copyOf(starts);
  }

  /**
   * Records a start at {@code nowMillis} and returns the history including it. Waits for another
   * JVM's lock on the file at most {@link #LOCK_WAIT}: a stale lock on a network volume must not
   * hold the agent.
   */
  static StartHistory record(Path dir, String service, long nowMillis) throws IOException {
    StateDir.prepare(dir);
    Path file = dir.resolve(fileName(service));
    Path lock = dir.resolve(fileName(service) + ".lock");
    try (FileChannel channel =
            FileChannel.open(
                lock,
                Set.of(
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                StateDir.OWNER_ONLY_FILE);
        FileLock ignored = lock(channel, lock)) {
      List<Long> kept = new ArrayList<>();
      if (Files.exists(file)) {
        int lineNumber = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          lineNumber++;
          String t = line.trim();
          if (t.isEmpty() || t.startsWith("#")) {
            continue;
          }
          long at;
          try {
            at = Long.parseLong(t);
          } catch (NumberFormatException e) {
            AgentLog.warnOnce(
                "start-history-line",
                file
                    + " line "
                    + lineNumber
                    + ": '"
                    + t
                    + "' is not an epoch millisecond; line dropped",
                null);
            continue;
          }
          if (at > nowMillis - KEEP.toMillis() && at <= nowMillis) {
            kept.add(at);
          }
        }
      }
      kept.add(nowMillis);
      if (kept.size() > MAX_ENTRIES) {
        kept = new ArrayList<>(kept.subList(kept.size() - MAX_ENTRIES, kept.size()));
      }
      StringBuilder text =
          new StringBuilder("# JVM starts of service '")
              .append(service)
              .append("', epoch milliseconds (opspulse agent)\n");
      for (long at : kept) {
        text.append(at).append('\n');
      }
      // Not Files.createTempFile (its SecureRandom is slow to seed) nor the pid (ProcessHandle
      // starts a
      // thread pool, before the agent can instrument ThreadPoolExecutor). The lock is held; the
      // clock
      // keeps two JVMs on one directory apart should a file system not honour it.
      Path tmp =
          dir.resolve(fileName(service) + "." + Long.toHexString(System.nanoTime()) + ".tmp");
      Files.createFile(tmp, StateDir.OWNER_ONLY_FILE);
      Files.writeString(
          tmp,
          text,
          StandardCharsets.UTF_8,
          StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return new StartHistory(kept);
    }
  }

  static final Duration LOCK_WAIT = Duration.ofSeconds(2);

  private static FileLock lock(FileChannel channel, Path lock) throws IOException {
    long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
    while (true) {
      FileLock held = channel.tryLock();
      if (held != null) {
        return held;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException(
            lock
                + " is held by another process for more than "
                + LOCK_WAIT.toSeconds()
                + " s; this start is not recorded");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + lock, e);
      }
    }
  }

  static StartHistory empty() {
    return new StartHistory(List.of());
  }

  /** Starts within {@code window} before {@code nowMillis}, this one included. */
  long startsWithin(Duration window, long nowMillis) {
    long from = nowMillis - window.toMillis();
    return starts.stream().filter(at -> at > from).count();
  }

  static String fileName(String service) {
    String safe = service.replaceAll("[^A-Za-z0-9._-]", "_");
    return (safe.isEmpty() || safe.startsWith(".") ? "_" + safe : safe) + ".starts";
  }
}
