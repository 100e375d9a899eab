package org.sealpost.server.inbox;

import org.sealpost.identity.Account;

/** Told after an envelope for {@code recipient} is committed; must return quickly. */
@FunctionalInterface
public interface InboxListener {
  void envelopeStored(Account recipient);
}
