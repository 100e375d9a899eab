package org.sealpost.server.store.jpa;

import java.nio.file.Path;
import java.util.List;
import org.sealpost.database.Database;
import org.sealpost.database.Database.LockSpace;

/** The home server's use of the shared {@link Database}: its entities and its lock namespaces. */
public final class ServerDatabase {
  /** The server's tables, validated by Hibernate when a database is opened. */
  public static final List<Class<?>> ENTITIES =
      List.of(
          BundleRow.class,
          RevocationRow.class,
          EnvelopeRow.class,
          OutboundEnvelopeRow.class,
          ConsentRow.class);

  /** Writes to one inbox. */
  static final LockSpace INBOX = new LockSpace(0x53500001);

  /** Consent decisions of one account. */
  static final LockSpace CONSENT = new LockSpace(0x53500002);

  private ServerDatabase() {}

  /** {@link Database#open} with the server's entities. */
  public static Database open(String jdbcUrl, String user, String password, int poolSize) {
    return Database.open(jdbcUrl, user, password, poolSize, ENTITIES);
  }

  /** {@link Database#h2File} with the server's entities. */
  public static Database h2File(Path dataDir) {
    return Database.h2File(dataDir, ENTITIES);
  }
}
