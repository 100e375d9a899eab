package org.sealpost.server.store;

import java.time.Instant;
import java.util.Optional;
import org.sealpost.identity.Account;
import org.sealpost.identity.envelope.Envelope;

/**
 * Inboxes: envelopes for accounts homed here, kept exactly as received (PROTOCOL.md §3.3). The
 * contract every implementation owes is {@code EnvelopeStoreContract} in the tests.
 *
 * <p>Implementations MUST be thread-safe and MUST have committed an envelope durably before {@link
 * #store} returns: the caller acknowledges it to the sender right after. Sequence numbers MUST grow
 * with each stored envelope, so that a reader that resumes after a cursor misses nothing committed
 * later. Callers MUST NOT depend on sequences being dense or per-account.
 */
public interface EnvelopeStore {

  /** Whether {@link #store} added the envelope or already had its {@code (recipient, id)}. */
  enum Outcome {
    STORED,
    DUPLICATE
  }

  /** The outcome and the envelope's cursor (the first copy's, for a duplicate). */
  record Stored(Outcome outcome, Cursor cursor) {}

  /**
   * Stores {@code envelope} for its recipient unless an envelope with the same {@code (recipient,
   * id)} is there already (then nothing changes and the outcome is {@link Outcome#DUPLICATE}).
   */
  Stored store(Envelope envelope, Instant receivedAt);

  /**
   * Up to {@code limit} envelopes of {@code recipient} after {@code after} (from the start when
   * empty), oldest first. The page MAY hold fewer than {@code limit} to stay under about {@code
   * maxBytes} of bodies, but always at least one envelope if there is one.
   */
  InboxPage read(Account recipient, Optional<Cursor> after, int limit, long maxBytes);

  /**
   * How many envelopes {@code recipient} has; for limits and metrics, may be slow on huge inboxes.
   */
  long count(Account recipient);
}
