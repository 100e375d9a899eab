package org.sealpost.server.store;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.server.store.jpa.JpaBundleDirectory;

/** {@link JpaBundleDirectory} on a real PostgreSQL. */
class PostgresBundleDirectoryIT implements BundleDirectoryContract {
  @RegisterExtension
  static final EmbeddedPostgresDatabase postgres = new EmbeddedPostgresDatabase();

  @Override
  public BundleDirectory bundleDirectory() {
    return new JpaBundleDirectory(postgres.database());
  }
}
