package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlOperationTest {
  @Test
  void theLeadingKeywordFromABoundedSet() {
    assertThat(SqlOperation.of("select * from t")).isEqualTo("SELECT");
    assertThat(SqlOperation.of("  /* hint */ -- c\n (SELECT 1)")).isEqualTo("SELECT");
    assertThat(SqlOperation.of("WITH x AS (SELECT 1) SELECT * FROM x")).isEqualTo("SELECT");
    assertThat(SqlOperation.of("{call proc(?)}")).isEqualTo("CALL");
    assertThat(SqlOperation.of("insert into t values (1)")).isEqualTo("INSERT");
    assertThat(SqlOperation.of("frobnicate")).isEqualTo("OTHER");
    assertThat(SqlOperation.of(null)).isEqualTo("OTHER");
  }

  @Test
  void theSystemFromTheDriversPackage() {
    assertThat(SqlOperation.system(new Object())).isEqualTo("other_sql");
    assertThat(SqlOperation.system(null)).isEqualTo("other_sql");
  }
}
