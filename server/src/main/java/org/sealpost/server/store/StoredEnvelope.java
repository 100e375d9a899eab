package org.sealpost.server.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.sealpost.identity.Account;
import org.sealpost.identity.envelope.EnvelopeId;

/** An envelope as the store keeps it: the bytes exactly as received, and where it sits. */
public record StoredEnvelope(
    Cursor cursor, Account recipient, EnvelopeId id, Instant receivedAt, byte[] body) {
  public StoredEnvelope {
    requireNonNull(cursor, "cursor");
    requireNonNull(recipient, "recipient");
    requireNonNull(id, "id");
    requireNonNull(receivedAt, "receivedAt");
    requireNonNull(body, "body");
  }
}
