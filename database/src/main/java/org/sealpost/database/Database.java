package org.sealpost.database;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.jpa.HibernatePersistenceConfiguration;
import org.hibernate.tool.schema.Action;

/**
 * Sealpost's database, shared by the home server and the IMAP bridge: PostgreSQL in production, an
 * H2 file under the data directory by default. Opening one migrates the schema with Flyway (the SQL
 * in the {@code migrations} module is its only definition), then starts Hibernate on a HikariCP
 * pool with schema action VALIDATE for the entity classes the caller manages, so a schema that does
 * not match them stops the program at start instead of failing requests later. Hibernate never
 * creates or alters a table. Each user opens its own {@code Database} with its own entities; two on
 * the same H2 file in one JVM share H2's one open database.
 *
 * <p>Thread-safe. Stores built on one {@code Database} share its pool; {@link #close()} it after
 * them.
 */
public final class Database implements AutoCloseable {
  /** What H2 needs to run the PostgreSQL schema and queries unchanged; refused if contradicted. */
  private static final Map<String, String> H2_REQUIRED =
      orderedMap(
          "MODE", "PostgreSQL", "DATABASE_TO_LOWER", "TRUE", "DEFAULT_NULL_ORDERING", "HIGH");

  /**
   * H2 defaults that an explicit URL setting overrides. DB_CLOSE_ON_EXIT=FALSE: {@link #close()}
   * closes the database after the pool, not H2's own shutdown hook while requests still run.
   * LOCK_TIMEOUT: H2's two seconds are short for a writer that waits on a row another has just
   * inserted.
   */
  private static final Map<String, String> H2_DEFAULTS =
      orderedMap("DB_CLOSE_ON_EXIT", "FALSE", "LOCK_TIMEOUT", "10000");

  private static final int H2_DEFAULT_POOL_SIZE = 8;
  private static final int LOCK_STRIPES = 256;

  /**
   * The H2 side of {@link #writeExclusive}: shared by every H2 database in this JVM, so that two
   * {@code Database} objects opened on the same file still exclude each other.
   */
  private static final ReentrantLock[] H2_STRIPES = newStripes();

  /** The two databases the schema is written for. */
  public enum Vendor {
    POSTGRESQL,
    H2
  }

  /**
   * A namespace of {@link #writeExclusive} keys; on PostgreSQL the first key of the two-int
   * advisory lock, so other users of advisory locks in the same database do not collide with these.
   * Each user of the database declares its own, with distinct ids.
   */
  public record LockSpace(int id) {}

  private final Vendor vendor;
  private final HikariDataSource dataSource;
  private final SessionFactory sessionFactory;

  private Database(Vendor vendor, HikariDataSource dataSource, SessionFactory sessionFactory) {
    this.vendor = vendor;
    this.dataSource = dataSource;
    this.sessionFactory = sessionFactory;
  }

  /**
   * Opens the database at {@code jdbcUrl} ({@code jdbc:postgresql:…} or {@code jdbc:h2:…}),
   * migrating it to the current schema first. H2 URLs get the settings the schema needs (PostgreSQL
   * mode, lower-case names) unless they contradict them.
   *
   * @param poolSize connections kept open, at least 1
   * @param entities the entity classes Hibernate manages (and validates against the schema)
   * @throws IllegalArgumentException for another kind of database or a contradicting H2 setting
   * @throws RuntimeException from Flyway or Hibernate if the database cannot be reached, migrated
   *     or validated; nothing is left open then
   */
  public static Database open(
      String jdbcUrl, String user, String password, int poolSize, List<Class<?>> entities) {
    requireNonNull(jdbcUrl, "jdbcUrl");
    requireNonNull(entities, "entities");
    requireNonNull(user, "user");
    requireNonNull(password, "password");
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize: " + poolSize + " (expected: >= 1)");
    }
    Vendor vendor;
    String url;
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      vendor = Vendor.POSTGRESQL;
      url = jdbcUrl;
    } else if (jdbcUrl.startsWith("jdbc:h2:")) {
      vendor = Vendor.H2;
      url = withH2Settings(jdbcUrl);
    } else {
      // Only the scheme: the rest of a URL may hold a password.
      String scheme = jdbcUrl.substring(0, Math.max(0, jdbcUrl.indexOf(':', 5)));
      throw new IllegalArgumentException(
          "jdbcUrl: '" + scheme + ":…' (expected: jdbc:postgresql:… or jdbc:h2:…)");
    }

    HikariConfig pool = new HikariConfig();
    pool.setPoolName("sealpost");
    pool.setJdbcUrl(url);
    pool.setUsername(user);
    pool.setPassword(password);
    pool.setMaximumPoolSize(poolSize);
    // The pool opens before Flyway so that an in-memory H2 database outlives the migration's
    // own connection.
    HikariDataSource dataSource = new HikariDataSource(pool);
    try {
      Flyway.configure()
          .dataSource(url, user, password)
          .locations("classpath:db/migration")
          .failOnMissingLocations(true)
          .load()
          .migrate();
      SessionFactory sessionFactory =
          new HibernatePersistenceConfiguration("sealpost")
              .managedClasses(entities)
              .schemaToolingAction(Action.VALIDATE)
              .property(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource)
              .createEntityManagerFactory();
      return new Database(vendor, dataSource, sessionFactory);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  /**
   * Opens (creating on first use) the embedded database of a data directory: an H2 file at {@code
   * <dataDir>/db/sealpost.mv.db}. Only one process may open it at a time; within that process,
   * several {@code Database}s (the server's and a bridge's) may.
   */
  public static Database h2File(Path dataDir, List<Class<?>> entities) {
    requireNonNull(dataDir, "dataDir");
    String location =
        dataDir.toAbsolutePath().normalize().resolve("db").resolve("sealpost").toString();
    if (location.contains(";")) {
      throw new IllegalArgumentException(
          "dataDir: '" + dataDir + "' (expected: a path without ';', which H2 URLs reserve)");
    }
    return open("jdbc:h2:file:" + location, "sa", "", H2_DEFAULT_POOL_SIZE, entities);
  }

  /** Whether the database answers a {@code SELECT 1} now; for health checks. Never throws. */
  public boolean ready() {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement("SELECT 1")) {
      select.setQueryTimeout(5);
      try (ResultSet result = select.executeQuery()) {
        return result.next() && result.getInt(1) == 1;
      }
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  /** Closes Hibernate and the pool; an H2 database is closed with its last connection. */
  @Override
  public void close() {
    try {
      sessionFactory.close();
    } finally {
      dataSource.close();
    }
  }

  public Vendor vendor() {
    return vendor;
  }

  /** One unit of work that only reads, in a transaction of its own. */
  public <R> R read(Function<StatelessSession, R> work) {
    return sessionFactory.fromStatelessTransaction(work);
  }

  /**
   * One write in a transaction of its own, committed, and on disk, before this returns: H2 keeps
   * committed changes in memory for up to a second by default and loses them if the process dies,
   * so after each write it is made to write them out ({@code CHECKPOINT SYNC}). PostgreSQL's commit
   * is durable by itself.
   */
  public <R> R write(Function<StatelessSession, R> work) {
    R result = sessionFactory.fromStatelessTransaction(work);
    if (vendor == Vendor.H2) {
      checkpoint();
    }
    return result;
  }

  /**
   * Like {@link #write}, with no other {@code writeExclusive} of the same {@code (space, key)}
   * running at the same time, on any server sharing this database: its transaction starts after the
   * previous one committed. On PostgreSQL a transaction-scoped advisory lock; an H2 file is opened
   * by one process only, so there a lock in this JVM is enough. Keys may collide (then unrelated
   * writes wait for each other, which is only slower).
   */
  public <R> R writeExclusive(LockSpace space, int key, Function<StatelessSession, R> work) {
    if (vendor == Vendor.POSTGRESQL) {
      return write(
          session -> {
            session.doWork(
                connection -> {
                  try (PreparedStatement lock =
                      connection.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
                    lock.setInt(1, space.id());
                    lock.setInt(2, key);
                    lock.execute();
                  }
                });
            return work.apply(session);
          });
    }
    ReentrantLock lock = H2_STRIPES[Math.floorMod(31 * space.id() + key, LOCK_STRIPES)];
    R result;
    lock.lock();
    try {
      result = sessionFactory.fromStatelessTransaction(work);
    } finally {
      lock.unlock();
    }
    // Outside the lock: the next writer needs this commit, not its disk write.
    checkpoint();
    return result;
  }

  private void checkpoint() {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CHECKPOINT SYNC");
    } catch (SQLException e) {
      throw new IllegalStateException("H2 could not write committed changes to disk", e);
    }
  }

  /** {@code url} with the settings H2 needs for the schema added where missing. */
  static String withH2Settings(String url) {
    String[] parts = url.split(";");
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      int equals = parts[i].indexOf('=');
      if (equals > 0) {
        given.put(
            parts[i].substring(0, equals).strip().toUpperCase(Locale.ROOT),
            parts[i].substring(equals + 1).strip());
      }
    }
    StringBuilder result = new StringBuilder(url);
    for (Map.Entry<String, String> setting : H2_REQUIRED.entrySet()) {
      String value = given.get(setting.getKey());
      if (value == null) {
        result.append(';').append(setting.getKey()).append('=').append(setting.getValue());
      } else if (!value.equalsIgnoreCase(setting.getValue())) {
        throw new IllegalArgumentException(
            "jdbcUrl: "
                + setting.getKey()
                + "="
                + value
                + " (expected: "
                + setting.getValue()
                + ", which the schema is written for)");
      }
    }
    for (Map.Entry<String, String> setting : H2_DEFAULTS.entrySet()) {
      if (!given.containsKey(setting.getKey())) {
        result.append(';').append(setting.getKey()).append('=').append(setting.getValue());
      }
    }
    return result.toString();
  }

  private static Map<String, String> orderedMap(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static ReentrantLock[] newStripes() {
    ReentrantLock[] stripes = new ReentrantLock[LOCK_STRIPES];
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
    return stripes;
  }
}
