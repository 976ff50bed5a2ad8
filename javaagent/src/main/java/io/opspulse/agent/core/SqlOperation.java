package io.opspulse.agent.core;

import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The {@code db.operation.name} of a SQL text: its leading keyword from a bounded set. */
final class SqlOperation {
  static final String OTHER = "OTHER";
  private static final Set<String> KNOWN =
      Set.of(
          "SELECT",
          "INSERT",
          "UPDATE",
          "DELETE",
          "MERGE",
          "UPSERT",
          "REPLACE",
          "CALL",
          "CREATE",
          "DROP",
          "ALTER",
          "TRUNCATE",
          "BEGIN",
          "COMMIT",
          "ROLLBACK",
          "SET",
          "SHOW",
          "EXPLAIN",
          "VALUES",
          "BATCH");

  private SqlOperation() {}

  static String of(@Nullable String sql) {
    if (sql == null) {
      return OTHER;
    }
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c) || c == '(' || c == '{') {
        i++;
      } else if (sql.startsWith("--", i)) {
        int nl = sql.indexOf('\n', i);
        i = nl < 0 ? n : nl + 1;
      } else if (sql.startsWith("/*", i)) {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else {
        break;
      }
    }
    int start = i;
    while (i < n && Character.isLetter(sql.charAt(i))) {
      i++;
    }
    String word = sql.substring(start, i).toUpperCase(Locale.ROOT);
    if (word.equals("WITH")) {
      return "SELECT";
    }
    if (word.equals("EXEC") || word.equals("EXECUTE")) {
      return "CALL";
    }
    return KNOWN.contains(word) ? word : OTHER;
  }

  /**
   * {@code db.system.name} from the driver's class, once per class: the values of the semantic
   * conventions' registry (development ones included: {@code h2database}, not {@code h2}).
   */
  static String system(Object statement) {
    return statement == null ? OTHER_SQL : SYSTEMS.get(statement.getClass());
  }

  static final String OTHER_SQL = "other_sql";

  private static final ClassValue<String> SYSTEMS =
      new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
          return systemOf(type.getName());
        }
      };

  /** Driver package prefix → db.system.name, the first match wins. */
  private static final String[][] DRIVERS = {
    {"org.h2.", "h2database"},
    {"org.postgresql.", "postgresql"},
    {"com.mysql.", "mysql"},
    {"org.mariadb.", "mariadb"},
    {"oracle.", "oracle.db"},
    {"com.microsoft.sqlserver.", "microsoft.sql_server"},
    {"net.sourceforge.jtds.", "microsoft.sql_server"},
    {"org.hsqldb.", "hsqldb"},
    {"org.apache.derby.", "derby"},
    {"org.sqlite.", "sqlite"},
    {"com.ibm.db2.", "ibm.db2"},
    {"com.informix.", "ibm.informix"},
    {"com.clickhouse.", "clickhouse"},
    {"ru.yandex.clickhouse.", "clickhouse"},
    {"org.firebirdsql.", "firebirdsql"},
    {"com.sap.db.", "sap.hana"},
    {"com.teradata.", "teradata"},
    {"io.trino.jdbc.", "trino"},
    {"com.amazon.redshift.", "aws.redshift"},
    {"com.google.cloud.spanner.", "gcp.spanner"},
  };

  static String systemOf(String className) {
    for (String[] driver : DRIVERS) {
      if (className.startsWith(driver[0])) {
        return driver[1];
      }
    }
    return OTHER_SQL;
  }
}
