package org.sealpost.server.store;

import java.time.Instant;
import org.sealpost.identity.Domain;
import org.sealpost.identity.envelope.Envelope;

/**
 * Envelopes for accounts homed on other servers, kept durably until federation delivers them
 * (PROTOCOL.md §8; delivery itself comes with the federation work).
 *
 * <p>Implementations MUST be thread-safe and MUST commit before {@link #enqueue} returns.
 */
public interface OutboundQueue {

  /**
   * Queues {@code envelope} for {@code destination} unless the same {@code (recipient, id)} is
   * queued already; true if it was added.
   */
  boolean enqueue(Domain destination, Envelope envelope, Instant receivedAt);

  /** How many envelopes wait for {@code destination}. */
  long pending(Domain destination);
}
