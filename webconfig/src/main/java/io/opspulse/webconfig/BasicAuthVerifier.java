package io.opspulse.webconfig;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Checks a user name and password against basic_auth_users. bcrypt is slow on purpose (tens of
 * milliseconds at cost 10), and Prometheus sends the same credentials on every scrape, so a success
 * is remembered under a SHA-256 of (user, stored hash, password): no password is kept, and a
 * changed hash or password misses the cache. Failures are never cached and always pay bcrypt, one
 * at a time, so guessing costs the guesser. An unknown user is checked against a decoy hash of the
 * same cost, so its answer takes as long as a wrong password's.
 */
final class BasicAuthVerifier {
  static final int CACHE_SIZE = 256;

  private final Map<String, String> users;
  private final String decoy;
  private final ReentrantLock bcryptLock = new ReentrantLock();
  private final Map<Key, Boolean> successes =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Boolean> eldest) {
          return size() > CACHE_SIZE;
        }
      };
  private final AtomicLong bcryptRuns = new AtomicLong();

  BasicAuthVerifier(Map<String, String> users) {
    this.users = Map.copyOf(users);
    int cost = users.values().stream().mapToInt(Bcrypt::cost).max().orElse(10);
    this.decoy = Bcrypt.decoy(cost);
  }

  boolean verify(String user, byte[] password) {
    String hash = users.get(user);
    boolean known = hash != null;
    String checked = hash != null ? hash : decoy;
    Key key = Key.of(user, checked, password);
    synchronized (successes) {
      if (known && successes.containsKey(key)) {
        return true;
      }
    }
    boolean ok;
    bcryptLock.lock();
    try {
      bcryptRuns.incrementAndGet();
      ok = Bcrypt.verify(password, checked) && known;
    } finally {
      bcryptLock.unlock();
    }
    if (ok) {
      synchronized (successes) {
        successes.put(key, Boolean.TRUE);
      }
    }
    return ok;
  }

  /** How many times bcrypt ran: what the cache saves, for tests and a self-metric. */
  long bcryptRuns() {
    return bcryptRuns.get();
  }

  /**
   * SHA-256 digest as a cache key; equals on digests is fine, they are not secret-dependent
   * comparisons an attacker can steer.
   */
  private record Key(String hex) {
    static Key of(String user, String hash, byte[] password) {
      try {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (byte[] part :
            new byte[][] {
              user.getBytes(StandardCharsets.UTF_8),
              hash.getBytes(StandardCharsets.US_ASCII),
              password
            }) {
          d.update(
              new byte[] {
                (byte) (part.length >>> 24),
                (byte) (part.length >>> 16),
                (byte) (part.length >>> 8),
                (byte) part.length
              });
          d.update(part);
        }
        return new Key(java.util.HexFormat.of().formatHex(d.digest()));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JVM", e);
      }
    }
  }
}
