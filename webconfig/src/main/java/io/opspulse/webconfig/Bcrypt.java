package io.opspulse.webconfig;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * bcrypt through at.favre.lib:bcrypt: $2a$, $2b$ and $2y$ hashes as htpasswd and Go's
 * x/crypto/bcrypt write them. Passwords are used as OpenBSD does, whatever their length (only the
 * first 72 bytes count), so a hash made by htpasswd from a long password verifies.
 */
final class Bcrypt {
  private static final Pattern FORMAT = Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");
  private static final BCrypt.Verifyer VERIFYER =
      BCrypt.verifyer(null, LongPasswordStrategies.none());

  private Bcrypt() {}

  /** Why {@code hash} is not a usable bcrypt hash, or null when it is. */
  static @Nullable String formatProblem(String hash) {
    if (hash.isEmpty()) {
      return "no password hash";
    }
    if (!FORMAT.matcher(hash).matches()) {
      return "not a bcrypt hash ($2a$, $2b$ or $2y$, a two-digit cost, 53 characters of salt and hash)";
    }
    int cost = cost(hash);
    if (cost < 4 || cost > 31) {
      return "bcrypt cost " + cost + " is outside 4..31";
    }
    return null;
  }

  static int cost(String hash) {
    return Integer.parseInt(hash.substring(4, 6));
  }

  /** Whether {@code password} matches {@code hash}; the comparison inside is constant-time. */
  static boolean verify(byte[] password, String hash) {
    return VERIFYER.verify(password, hash.getBytes(StandardCharsets.US_ASCII)).verified;
  }

  /**
   * A hash of a random password at {@code cost}: verified against when the user is unknown, so a
   * request for a missing user takes as long as one for a real user with a wrong password.
   */
  static String decoy(int cost) {
    byte[] password = new byte[16];
    new SecureRandom().nextBytes(password);
    return new String(
        BCrypt.with(BCrypt.Version.VERSION_2Y).hash(cost, password), StandardCharsets.US_ASCII);
  }
}
