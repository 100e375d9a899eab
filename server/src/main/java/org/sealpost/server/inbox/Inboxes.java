package org.sealpost.server.inbox;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.server.Problem;
import org.sealpost.server.consent.Consent;
import org.sealpost.server.directory.Directory;
import org.sealpost.server.store.Cursor;
import org.sealpost.server.store.EnvelopeStore;
import org.sealpost.server.store.InboxPage;
import org.sealpost.server.store.OutboundQueue;

/**
 * Publishing and reading envelopes (PROTOCOL.md §3.3, §7). Envelopes are kept exactly as received
 * and never opened. An envelope is committed before {@link #publish} returns, so the 202 a client
 * gets means the envelope is on disk.
 */
public final class Inboxes {
  /** Where a published envelope went. */
  public enum Status {
    /** In a local inbox (or dropped because the recipient denied the sender, see docs/api.md). */
    STORED,
    /** Waiting in the outbound queue for the recipient's home server. */
    QUEUED
  }

  private final Directory directory;
  private final Consent consent;
  private final EnvelopeStore envelopes;
  private final OutboundQueue outbound;
  private final Clock clock;
  private final List<InboxListener> listeners = new CopyOnWriteArrayList<>();

  public Inboxes(
      Directory directory,
      Consent consent,
      EnvelopeStore envelopes,
      OutboundQueue outbound,
      Clock clock) {
    this.directory = requireNonNull(directory, "directory");
    this.consent = requireNonNull(consent, "consent");
    this.envelopes = requireNonNull(envelopes, "envelopes");
    this.outbound = requireNonNull(outbound, "outbound");
    this.clock = requireNonNull(clock, "clock");
  }

  public void addListener(InboxListener listener) {
    listeners.add(requireNonNull(listener, "listener"));
  }

  /**
   * Publishes an envelope from an authenticated installation of {@code sender} (homed here).
   *
   * @param home the recipient's home domain, or empty to resolve it here
   */
  public Status publish(Account sender, Envelope envelope, Optional<Domain> home) {
    requireNonNull(sender, "sender");
    requireNonNull(envelope, "envelope");
    Account recipient = envelope.recipient();
    Domain destination = home.orElseGet(() -> resolve(recipient));
    if (!destination.equals(directory.home())) {
      outbound.enqueue(destination, envelope, clock.instant());
      return Status.QUEUED;
    }
    requireHosted(recipient);
    if (consent.denies(recipient, sender, directory.home())) {
      return Status.STORED; // a denied sender is not told: that would leak the recipient's choice
    }
    store(envelope);
    return Status.STORED;
  }

  /**
   * Stores gateway mail (PROTOCOL.md §5) sealed by this server for an account homed here, as {@link
   * #publish} stores a local envelope: committed when this returns. There is no sender account to
   * check consent against; the bridges file such mail by its gateway domain.
   */
  public void deposit(Envelope envelope) {
    requireNonNull(envelope, "envelope");
    requireHosted(envelope.recipient());
    store(envelope);
  }

  private void requireHosted(Account recipient) {
    if (!directory.hosts(recipient)) {
      throw new Problem(
          Problem.Kind.NOT_FOUND,
          "unknown_recipient",
          recipient + " has no inbox on " + directory.home());
    }
  }

  private void store(Envelope envelope) {
    envelopes.store(envelope, clock.instant());
    for (InboxListener listener : listeners) {
      listener.envelopeStored(envelope.recipient());
    }
  }

  private Domain resolve(Account recipient) {
    if (directory.hosts(recipient)) {
      return directory.home();
    }
    throw new Problem(
        Problem.Kind.NOT_FOUND,
        "unknown_recipient",
        recipient
            + " has no inbox on "
            + directory.home()
            + "; name the recipient's home server with ?home=<domain>");
  }

  /** Up to {@code limit} envelopes of {@code account} after {@code after}, oldest first. */
  public InboxPage read(Account account, Optional<Cursor> after, int limit, long maxBytes) {
    return envelopes.read(account, after, limit, maxBytes);
  }
}
