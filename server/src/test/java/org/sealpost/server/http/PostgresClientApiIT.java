package org.sealpost.server.http;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The client API on a real PostgreSQL started by the test. */
class PostgresClientApiIT extends ClientApiContract {
  private static EmbeddedPostgres postgres;
  private static int database;
  private String url;

  @BeforeAll
  static void startPostgres() throws IOException {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    postgres.close();
  }

  @BeforeEach
  @Override
  void startServer() throws Exception {
    // A fresh database per test: restarts within a test keep it, tests do not share it.
    String name = "api" + (++database);
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    url = postgres.getJdbcUrl("postgres", name);
    super.startServer();
  }

  @Override
  Map<String, String> databaseSettings() {
    return Map.of(
        "database.url", url, "database.user", "postgres", "database.password", "postgres");
  }
}
