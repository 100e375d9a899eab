package org.sealpost.bridge.imap;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.sealpost.database.Database;

/**
 * {@link BridgeStoreContract} on a real PostgreSQL (zonky's embedded binaries), where the folder
 * row lock is a real {@code SELECT … FOR UPDATE} between connections.
 */
class PostgresBridgeStoreIT implements BridgeStoreContract {
  static EmbeddedPostgres postgres;
  static BridgeDatabase database;

  @BeforeAll
  static void start() throws IOException {
    postgres = EmbeddedPostgres.builder().start();
    database =
        new BridgeDatabase(
            Database.open(
                postgres.getJdbcUrl("postgres", "postgres"),
                "postgres",
                "postgres",
                8,
                BridgeDatabase.ENTITIES));
  }

  @AfterAll
  static void stop() throws IOException {
    if (database != null) {
      database.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  public BridgeDatabase database() {
    return database;
  }
}
