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
    // the semantic conventions' registry values, not the driver's own short names
    assertThat(SqlOperation.systemOf("org.h2.jdbc.JdbcPreparedStatement")).isEqualTo("h2database");
    assertThat(SqlOperation.systemOf("org.postgresql.jdbc.PgStatement")).isEqualTo("postgresql");
    assertThat(SqlOperation.systemOf("com.mysql.cj.jdbc.ClientPreparedStatement"))
        .isEqualTo("mysql");
    assertThat(SqlOperation.systemOf("org.mariadb.jdbc.ClientPreparedStatement"))
        .isEqualTo("mariadb");
    assertThat(SqlOperation.systemOf("oracle.jdbc.driver.OraclePreparedStatementWrapper"))
        .isEqualTo("oracle.db");
    assertThat(SqlOperation.systemOf("com.microsoft.sqlserver.jdbc.SQLServerStatement"))
        .isEqualTo("microsoft.sql_server");
    assertThat(SqlOperation.systemOf("org.apache.derby.impl.jdbc.EmbedStatement"))
        .isEqualTo("derby");
    assertThat(SqlOperation.systemOf("com.ibm.db2.jcc.am.Statement")).isEqualTo("ibm.db2");
  }
}
