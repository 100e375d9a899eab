package org.sealpost.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A database the home server runs on, handing out a fresh, empty one for each inbox size, so that
 * no size inherits the rows, caches or bloat of the one before.
 */
abstract class BenchDatabase implements AutoCloseable {
  static final List<String> NAMES = List.of("h2", "postgres");

  /** Where one scenario's server keeps its envelopes, and how the preloader reaches them. */
  interface Fresh extends AutoCloseable {
    /** Settings for the server's ConfigLoader; empty for the embedded default. */
    Map<String, String> serverSettings();

    /** A connection of the benchmark's own, beside the server's pool. */
    Connection connect() throws SQLException;

    Preloader.Dialect dialect();

    /** Drops the database; called after the server is closed. */
    @Override
    void close() throws SQLException;
  }

  static BenchDatabase start(String name) throws IOException, SQLException {
    return switch (name) {
      case "h2" -> new H2();
      case "postgres" -> new Postgres();
      default -> throw new IllegalArgumentException("database: " + name);
    };
  }

  /** What the report names this database, with its version. */
  abstract String description() throws SQLException;

  /** An empty database for a server whose data directory is {@code dataDir}. */
  abstract Fresh fresh(Path dataDir) throws SQLException;

  /** The database's processes outside this JVM, whose CPU is the benchmark's own. */
  Collection<Long> processes() {
    return List.of();
  }

  @Override
  public void close() throws IOException {}

  /**
   * The embedded default: the server opens an H2 file under its data directory (no database.url).
   * The preloader opens the same file in this JVM with the URL the server builds for it
   * (Database.h2File), so both share one open database; H2 refuses a second process, not a second
   * connection.
   */
  private static final class H2 extends BenchDatabase {
    @Override
    String description() {
      return "H2 "
          + org.h2.engine.Constants.FULL_VERSION
          + " (file in the data directory, the"
          + " embedded default)";
    }

    @Override
    Fresh fresh(Path dataDir) {
      String url =
          "jdbc:h2:file:"
              + dataDir.toAbsolutePath().normalize().resolve("db").resolve("sealpost")
              + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
              + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000";
      return new Fresh() {
        @Override
        public Map<String, String> serverSettings() {
          return Map.of();
        }

        @Override
        public Connection connect() throws SQLException {
          return DriverManager.getConnection(url, "sa", "");
        }

        @Override
        public Preloader.Dialect dialect() {
          return Preloader.Dialect.H2;
        }

        @Override
        public void close() {
          // The file goes with the data directory.
        }
      };
    }
  }

  /**
   * A real PostgreSQL from zonky's embedded binaries, one server for the whole run and one database
   * per inbox size. Zonky starts PostgreSQL for tests with fsync and synchronous_commit off; both
   * are turned back on here (PostgreSQL's own defaults), so a commit waits for its WAL to reach the
   * disk, as in production and as the H2 store's CHECKPOINT SYNC after every write does. Everything
   * else is left as zonky and PostgreSQL set it (128 MB shared_buffers, no tuning).
   */
  private static final class Postgres extends BenchDatabase {
    private final EmbeddedPostgres postgres;
    private final Optional<ProcessHandle> postmaster;
    private int databases;

    Postgres() throws IOException, SQLException {
      postgres =
          EmbeddedPostgres.builder()
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .start();
      // A backend's parent is the postmaster, which forks every backend we will use.
      try (Connection c = postgres.getPostgresDatabase().getConnection();
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
        r.next();
        postmaster = ProcessHandle.of(r.getLong(1)).flatMap(ProcessHandle::parent);
      }
    }

    @Override
    Collection<Long> processes() {
      return postmaster
          .map(p -> Stream.concat(Stream.of(p), p.descendants()).map(ProcessHandle::pid).toList())
          .orElse(List.of());
    }

    @Override
    String description() throws SQLException {
      try (Connection c = postgres.getPostgresDatabase().getConnection();
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SHOW server_version")) {
        r.next();
        return "PostgreSQL " + r.getString(1) + " (zonky embedded; fsync on, otherwise untuned)";
      }
    }

    @Override
    Fresh fresh(Path dataDir) throws SQLException {
      String name = "bench" + (++databases);
      admin("CREATE DATABASE " + name);
      String url = postgres.getJdbcUrl("postgres", name);
      return new Fresh() {
        @Override
        public Map<String, String> serverSettings() {
          return Map.of(
              "database.url", url, "database.user", "postgres", "database.password", "postgres");
        }

        @Override
        public Connection connect() throws SQLException {
          return DriverManager.getConnection(url, "postgres", "postgres");
        }

        @Override
        public Preloader.Dialect dialect() {
          return Preloader.Dialect.POSTGRESQL;
        }

        @Override
        public void close() throws SQLException {
          // A few GB at 10^6: dropped so that disk use does not add up over the sizes.
          admin("DROP DATABASE " + name);
        }
      };
    }

    private void admin(String sql) throws SQLException {
      try (Connection c = postgres.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute(sql);
      }
    }

    @Override
    public void close() throws IOException {
      postgres.close();
    }
  }
}
