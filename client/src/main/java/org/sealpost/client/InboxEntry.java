package org.sealpost.client;

import static java.util.Objects.requireNonNull;

import org.sealpost.identity.envelope.Envelope;

/** One envelope of an inbox and the opaque cursor after it. */
public record InboxEntry(String cursor, Envelope envelope) {
  public InboxEntry {
    requireNonNull(cursor, "cursor");
    requireNonNull(envelope, "envelope");
  }
}
