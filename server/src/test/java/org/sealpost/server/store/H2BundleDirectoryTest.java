package org.sealpost.server.store;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.server.store.jpa.JpaBundleDirectory;

/** {@link JpaBundleDirectory} on the embedded default, an H2 file database. */
class H2BundleDirectoryTest implements BundleDirectoryContract {
  @RegisterExtension static final H2FileDatabase h2 = new H2FileDatabase();

  @Override
  public BundleDirectory bundleDirectory() {
    return new JpaBundleDirectory(h2.database());
  }
}
