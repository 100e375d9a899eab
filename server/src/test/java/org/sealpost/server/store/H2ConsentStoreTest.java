package org.sealpost.server.store;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.server.store.jpa.JpaConsentStore;

/** {@link JpaConsentStore} on the embedded default, an H2 file database. */
class H2ConsentStoreTest implements ConsentStoreContract {
  @RegisterExtension static final H2FileDatabase h2 = new H2FileDatabase();

  @Override
  public ConsentStore consentStore() {
    return new JpaConsentStore(h2.database());
  }
}
