package org.sealpost.server.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.sealpost.database.Database;
import org.sealpost.server.store.jpa.ServerDatabase;

/**
 * A real PostgreSQL for a test class: a database of its own, created before the first test, with a
 * migrated {@link Database} on it, closed after the last. Register as a static field.
 *
 * <p>The server under it is started once per test run, from the binaries in zonky's jar, and
 * stopped (its data deleted) when the run ends: starting and stopping one costs 4 to 9 seconds
 * here, which per class would be most of the integration tests' time. Classes stay isolated by
 * database.
 */
final class EmbeddedPostgresDatabase implements BeforeAllCallback, AfterAllCallback {
  static final String USER = "postgres";
  static final String PASSWORD = "postgres";
  private static final AtomicInteger databases = new AtomicInteger();

  private Server server;
  private String jdbcUrl;
  private Database database;

  @Override
  public void beforeAll(ExtensionContext context) throws SQLException {
    server =
        context
            .getRoot()
            .getStore(ExtensionContext.Namespace.create(EmbeddedPostgresDatabase.class))
            .getOrComputeIfAbsent(Server.class, type -> Server.start(), Server.class);
    jdbcUrl = createDatabase();
    database = ServerDatabase.open(jdbcUrl, USER, PASSWORD, 8);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    database.close();
  }

  Database database() {
    return database;
  }

  /** The database of this class, the one {@link #database()} uses. */
  String jdbcUrl() {
    return jdbcUrl;
  }

  /** A new, empty database on the same server; its JDBC URL. */
  String createDatabase() throws SQLException {
    String name = "sealpost_" + databases.incrementAndGet();
    try (Connection connection = server.postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    return server.postgres.getJdbcUrl(USER, name);
  }

  /** The run's PostgreSQL server; JUnit closes it after the last test of the run. */
  private record Server(EmbeddedPostgres postgres) implements AutoCloseable {
    static Server start() {
      try {
        return new Server(EmbeddedPostgres.builder().start());
      } catch (IOException e) {
        throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
      }
    }

    @Override
    public void close() throws IOException {
      postgres.close();
    }
  }
}
