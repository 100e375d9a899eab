package org.sealpost.server.store;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.server.store.jpa.JpaEnvelopeStore;

/** {@link JpaEnvelopeStore} on a real PostgreSQL. */
class PostgresEnvelopeStoreIT implements EnvelopeStoreContract {
  @RegisterExtension
  static final EmbeddedPostgresDatabase postgres = new EmbeddedPostgresDatabase();

  @Override
  public EnvelopeStore envelopeStore() {
    return new JpaEnvelopeStore(postgres.database());
  }
}
