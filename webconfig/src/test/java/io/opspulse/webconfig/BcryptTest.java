package io.opspulse.webconfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Hashes made by Debian's htpasswd -nbB (apache2-utils) and the classic jBCrypt/OpenBSD $2a$
 * vectors.
 */
class BcryptTest {
  static final String PROMETHEUS =
      "$2y$05$wW68S4xODWLiZc1C4.Mu9OufwaSabR11DhBqchZxAQ1Duwt..krui"; // s3cret-scrape
  static final String ALICE =
      "$2y$04$TMc5bg.vs8fPrazSmqWlI.3tt1OCniysxPKbA3ub0JFqnnAq5Ssea"; // pässwörd with spaces
  static final String EMPTY = "$2y$04$pz0/HpfVV4d5208KUw/h.usLyfzj/yzYRlh9lPAVhndKB32TqCZm2"; // ""
  static final String LONG = "$2y$04$YgQCB3cFC4MZpjdZVwfqFO0UWkFc5MgdLYeb/B.dMAlAI1VQL5UyS"; // 90 x

  private static boolean verify(String password, String hash) {
    return Bcrypt.verify(password.getBytes(StandardCharsets.UTF_8), hash);
  }

  @Test
  void htpasswdHashesVerifyWithTheirPasswordsOnly() {
    assertThat(verify("s3cret-scrape", PROMETHEUS)).isTrue();
    assertThat(verify("s3cret-scrapE", PROMETHEUS)).isFalse();
    assertThat(verify("s3cret-scrape ", PROMETHEUS)).isFalse();
    assertThat(verify("pässwörd with spaces", ALICE)).isTrue();
    assertThat(verify("passwort with spaces", ALICE)).isFalse();
    assertThat(verify("", EMPTY)).isTrue();
    assertThat(verify("x", EMPTY)).isFalse();
  }

  @Test
  void onlyTheFirst72BytesOfALongPasswordCountAsInOpenBsdAndHtpasswd() {
    assertThat(verify("x".repeat(90), LONG)).isTrue();
    assertThat(verify("x".repeat(72), LONG)).isTrue();
    assertThat(verify("x".repeat(72) + "anything", LONG)).isTrue();
    assertThat(verify("x".repeat(71), LONG)).isFalse();
  }

  @Test
  void the2a2bAnd2yPrefixesVerifyAlike() {
    // The three prefixes differ only in how old implementations mishandled 8-bit and >255-byte
    // passwords.
    String rest = PROMETHEUS.substring(3);
    assertThat(verify("s3cret-scrape", "$2a" + rest)).isTrue();
    assertThat(verify("s3cret-scrape", "$2b" + rest)).isTrue();
    assertThat(verify("s3cret-scrape", "$2b" + rest.replace("krui", "krue"))).isFalse();
  }

  @Test
  void publishedOpenBsdVectors() {
    assertThat(verify("", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.")).isTrue();
    assertThat(verify("abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i"))
        .isTrue();
    assertThat(verify("abcd", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i"))
        .isFalse();
  }

  @Test
  void formatProblemsNameWhatIsWrong() {
    assertThat(Bcrypt.formatProblem(PROMETHEUS)).isNull();
    assertThat(Bcrypt.formatProblem("")).isEqualTo("no password hash");
    assertThat(Bcrypt.formatProblem("s3cret-scrape")).startsWith("not a bcrypt hash");
    assertThat(Bcrypt.formatProblem("$1$abc$def")).startsWith("not a bcrypt hash");
    assertThat(Bcrypt.formatProblem(PROMETHEUS.substring(0, 40))).startsWith("not a bcrypt hash");
    assertThat(Bcrypt.formatProblem("$2y$03" + PROMETHEUS.substring(6)))
        .isEqualTo("bcrypt cost 3 is outside 4..31");
  }

  @Test
  void theDecoyHasTheRequestedCostAndMatchesNoGuess() {
    String decoy = Bcrypt.decoy(5);
    assertThat(Bcrypt.formatProblem(decoy)).isNull();
    assertThat(Bcrypt.cost(decoy)).isEqualTo(5);
    assertThat(verify("", decoy)).isFalse();
    assertThat(verify("fakepassword", decoy)).isFalse();
  }
}
