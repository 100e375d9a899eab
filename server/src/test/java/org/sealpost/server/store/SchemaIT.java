package org.sealpost.server.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.database.Database;
import org.sealpost.server.store.jpa.ServerDatabase;

/** The schema on a real PostgreSQL: a new database for each test. */
class SchemaIT implements SchemaContract {
  @RegisterExtension
  static final EmbeddedPostgresDatabase postgres = new EmbeddedPostgresDatabase();

  private String jdbcUrl;

  @BeforeEach
  void createDatabase() throws SQLException {
    jdbcUrl = postgres.createDatabase();
  }

  @Override
  public Database open() {
    return ServerDatabase.open(
        jdbcUrl, EmbeddedPostgresDatabase.USER, EmbeddedPostgresDatabase.PASSWORD, 2);
  }

  @Override
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(
        jdbcUrl, EmbeddedPostgresDatabase.USER, EmbeddedPostgresDatabase.PASSWORD);
  }
}
