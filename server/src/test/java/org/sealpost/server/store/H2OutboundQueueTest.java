package org.sealpost.server.store;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.server.store.jpa.JpaOutboundQueue;

/** {@link JpaOutboundQueue} on the embedded default, an H2 file database. */
class H2OutboundQueueTest implements OutboundQueueContract {
  @RegisterExtension static final H2FileDatabase h2 = new H2FileDatabase();

  @Override
  public OutboundQueue outboundQueue() {
    return new JpaOutboundQueue(h2.database());
  }
}
