package io.opspulse.agent.core;

import java.util.Locale;
import java.util.Set;

/** The {@code db.operation.name} of a SQL text: its leading keyword from a bounded set. */
final class SqlOperation {
  static final String OTHER = "OTHER";
  private static final Set<String> KNOWN = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT",
      "REPLACE", "CALL", "CREATE", "DROP", "ALTER", "TRUNCATE", "BEGIN", "COMMIT", "ROLLBACK", "SET", "SHOW",
      "EXPLAIN", "VALUES", "BATCH");

  private SqlOperation() {}

  static String of(String sql) {
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

  /** {@code db.system.name} from the driver's class name. */
  static String system(Object statement) {
    if (statement == null) {
      return "other_sql";
    }
    String name = statement.getClass().getName();
    if (name.startsWith("org.h2.")) {
      return "h2";
    } else if (name.startsWith("org.postgresql.")) {
      return "postgresql";
    } else if (name.startsWith("com.mysql.")) {
      return "mysql";
    } else if (name.startsWith("org.mariadb.")) {
      return "mariadb";
    } else if (name.startsWith("oracle.")) {
      return "oracle.db";
    } else if (name.startsWith("com.microsoft.sqlserver.")) {
      return "microsoft.sql_server";
    } else if (name.startsWith("org.hsqldb.")) {
      return "hsqldb";
    } else if (name.startsWith("org.apache.derby.")) {
      return "derby";
    } else if (name.startsWith("org.sqlite.")) {
      return "sqlite";
    } else if (name.startsWith("com.ibm.db2.")) {
      return "ibm.db2";
    }
    return "other_sql";
  }
}
