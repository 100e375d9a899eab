package org.sealpost.server.store;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.server.store.jpa.JpaEnvelopeStore;

/** {@link JpaEnvelopeStore} on the embedded default, an H2 file database. */
class H2EnvelopeStoreTest implements EnvelopeStoreContract {
  @RegisterExtension static final H2FileDatabase h2 = new H2FileDatabase();

  @Override
  public EnvelopeStore envelopeStore() {
    return new JpaEnvelopeStore(h2.database());
  }
}
