package org.sealpost.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.database.Database;
import org.sealpost.server.store.jpa.ServerDatabase;

/** The schema on the embedded default: an H2 file in a data directory of each test's own. */
class SchemaTest implements SchemaContract {
  @TempDir Path dataDir;

  @Override
  public Database open() {
    return ServerDatabase.h2File(dataDir);
  }

  @Override
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(H2FileDatabase.jdbcUrl(dataDir), "sa", "");
  }

  @Test
  void theEmbeddedDatabaseLivesUnderTheDataDirectory() {
    open().close();

    assertThat(dataDir.resolve("db").resolve("sealpost.mv.db")).isRegularFile();
  }
}
