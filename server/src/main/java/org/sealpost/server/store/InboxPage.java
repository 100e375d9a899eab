package org.sealpost.server.store;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * Envelopes of one inbox in store order (oldest first), and the cursor to read on from: the last
 * envelope's, or the one asked with when the page is empty (empty if that was the start).
 */
public record InboxPage(List<StoredEnvelope> envelopes, Optional<Cursor> next) {
  public InboxPage {
    envelopes = List.copyOf(requireNonNull(envelopes, "envelopes"));
    requireNonNull(next, "next");
  }
}
