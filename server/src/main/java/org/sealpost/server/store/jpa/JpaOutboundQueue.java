package org.sealpost.server.store.jpa;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.hibernate.exception.ConstraintViolationException;
import org.sealpost.database.Database;
import org.sealpost.identity.Domain;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.server.store.OutboundQueue;

/**
 * {@link OutboundQueue} on the {@code outbound_envelopes} table, through Hibernate's {@code
 * StatelessSession} (one short transaction per call). A new entry is due at once ({@code
 * next_attempt_at} = its receipt) with no attempts. An enqueue looks for the same {@code
 * (recipient, id)} first; of two concurrent enqueues of it, the one that loses on the unique
 * constraint answers false.
 */
public final class JpaOutboundQueue implements OutboundQueue {
  private final Database database;

  public JpaOutboundQueue(Database database) {
    this.database = requireNonNull(database, "database");
  }

  @Override
  public boolean enqueue(Domain destination, Envelope envelope, Instant receivedAt) {
    requireNonNull(destination, "destination");
    requireNonNull(envelope, "envelope");
    requireNonNull(receivedAt, "receivedAt");
    OutboundEnvelopeRow row = new OutboundEnvelopeRow(destination, envelope, receivedAt);
    try {
      return database.write(
          session -> {
            boolean queued =
                session
                    .createSelectionQuery(
                        "select 1 from OutboundEnvelopeRow"
                            + " where recipient = :recipient and envelopeId = :id",
                        Integer.class)
                    .setParameter("recipient", row.recipient)
                    .setParameter("id", row.envelopeId)
                    .uniqueResultOptional()
                    .isPresent();
            if (queued) {
              return false;
            }
            session.insert(row);
            return true;
          });
    } catch (ConstraintViolationException e) {
      return JpaBundleDirectory.lostRace(e);
    }
  }

  @Override
  public long pending(Domain destination) {
    requireNonNull(destination, "destination");
    return database.read(
        session ->
            session
                .createSelectionQuery(
                    "select count(*) from OutboundEnvelopeRow where destination = :destination",
                    Long.class)
                .setParameter("destination", destination.name())
                .getSingleResult());
  }
}
