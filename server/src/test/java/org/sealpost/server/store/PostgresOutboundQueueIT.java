package org.sealpost.server.store;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.server.store.jpa.JpaOutboundQueue;

/** {@link JpaOutboundQueue} on a real PostgreSQL. */
class PostgresOutboundQueueIT implements OutboundQueueContract {
  @RegisterExtension
  static final EmbeddedPostgresDatabase postgres = new EmbeddedPostgresDatabase();

  @Override
  public OutboundQueue outboundQueue() {
    return new JpaOutboundQueue(postgres.database());
  }
}
