package io.opspulse.petclinic;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The start-up benchmark's addition to the PetClinic application: a HikariCP pool on an in-memory H2
 * database, filled while the context starts (as Spring Boot's SQL initialisation does), and a page that
 * reads it, so the first response needs the pool, the driver and Tomcat.
 */
@Configuration
class OwnerRecords {
  @Bean(destroyMethod = "close")
  HikariDataSource dataSource() throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:petclinic;DB_CLOSE_DELAY=-1");
    config.setPoolName("petclinic");
    config.setMaximumPoolSize(4);
    HikariDataSource pool = new HikariDataSource(config);
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE owners (id INT PRIMARY KEY, name VARCHAR(40))");
      for (int i = 1; i <= 10; i++) {
        s.execute("INSERT INTO owners VALUES (" + i + ", 'owner " + i + "')");
      }
    }
    return pool;
  }

  @RestController
  static class Page {
    private final DataSource dataSource;

    Page(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    @GetMapping("/db/owners/{ownerId}")
    String owner(@PathVariable("ownerId") int ownerId) throws SQLException {
      try (Connection c = dataSource.getConnection();
          PreparedStatement s = c.prepareStatement("SELECT name FROM owners WHERE id = ?")) {
        s.setInt(1, ownerId % 10 + 1);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? r.getString(1) : "none";
        }
      }
    }
  }
}
