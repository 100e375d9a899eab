package org.sealpost.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.sealpost.database.Database;
import org.sealpost.server.store.jpa.ServerDatabase;

/**
 * The embedded default for a test class: {@link Database#h2File} on a data directory of its own,
 * opened before the first test and closed and deleted after the last. Register as a static field.
 */
final class H2FileDatabase implements BeforeAllCallback, AfterAllCallback {
  private Path dataDir;
  private Database database;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dataDir = Files.createTempDirectory("sealpost-h2-");
    database = ServerDatabase.h2File(dataDir);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      database.close();
    } finally {
      deleteRecursively(dataDir);
    }
  }

  Database database() {
    return database;
  }

  Path dataDir() {
    return dataDir;
  }

  /** A URL for a second, plain JDBC connection to the same database. */
  String jdbcUrl() {
    return jdbcUrl(dataDir);
  }

  static String jdbcUrl(Path dataDir) {
    return "jdbc:h2:file:"
        + dataDir.toAbsolutePath().resolve("db").resolve("sealpost")
        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
  }

  static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
