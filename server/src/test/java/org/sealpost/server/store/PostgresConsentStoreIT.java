package org.sealpost.server.store;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.server.store.jpa.JpaConsentStore;

/** {@link JpaConsentStore} on a real PostgreSQL. */
class PostgresConsentStoreIT implements ConsentStoreContract {
  @RegisterExtension
  static final EmbeddedPostgresDatabase postgres = new EmbeddedPostgresDatabase();

  @Override
  public ConsentStore consentStore() {
    return new JpaConsentStore(postgres.database());
  }
}
