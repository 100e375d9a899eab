package org.sealpost.bridge.imap;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.database.Database;

/** {@link BridgeStoreContract} on the embedded H2 file a data directory gets. */
class H2BridgeStoreTest implements BridgeStoreContract {
  @TempDir static Path data;
  static BridgeDatabase database;

  @BeforeAll
  static void open() {
    database = new BridgeDatabase(Database.h2File(data, BridgeDatabase.ENTITIES));
  }

  @AfterAll
  static void close() {
    database.close();
  }

  @Override
  public BridgeDatabase database() {
    return database;
  }
}
