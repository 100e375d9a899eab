package org.sealpost.server.store.jpa;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.hibernate.StatelessSession;
import org.hibernate.exception.ConstraintViolationException;
import org.sealpost.database.Database;
import org.sealpost.identity.Account;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.identity.envelope.EnvelopeId;
import org.sealpost.server.store.Cursor;
import org.sealpost.server.store.EnvelopeStore;
import org.sealpost.server.store.InboxPage;
import org.sealpost.server.store.StoredEnvelope;

/**
 * {@link EnvelopeStore} on the {@code envelopes} table.
 *
 * <p>Works through Hibernate's {@code StatelessSession}: every call is one short transaction of one
 * to three statements on plain rows, so a persistence context (first-level cache, dirty checking,
 * flush on commit) would only cost time and memory, and a stateless insert runs at once and hands
 * back the generated sequence.
 *
 * <p>Writes to one inbox run one at a time ({@link Database#writeExclusive}), across every server
 * sharing the database. The identity column hands out a sequence when a row is inserted, not when
 * it commits: two concurrent writers could commit 6 before 5, and a reader that already saw 6 would
 * resume after it and never see 5. One writer per inbox at a time commits each inbox's envelopes in
 * sequence order, which is what {@link EnvelopeStore} promises readers. It also makes deduplication
 * exact: of two copies arriving at once, the second finds the first committed and answers {@link
 * Outcome#DUPLICATE} with its cursor. The unique constraint on {@code (recipient, envelope_id)}
 * stays as the backstop.
 *
 * <p>Reading is a keyset query on the {@code (recipient, sequence)} primary key, never OFFSET, in
 * two steps: sequences and sizes first, to decide how many envelopes fit in {@code maxBytes}, then
 * the bodies of just those, so a page of a few large envelopes does not load the rest of the limit.
 */
public final class JpaEnvelopeStore implements EnvelopeStore {
  /**
   * The page's sequences and sizes: a range scan of the {@code (recipient, sequence)} primary key.
   * Ordered by both columns although recipient is fixed: H2 uses the index's order only when the
   * ORDER BY names its columns from the first (with just {@code sequence} it reads the whole inbox
   * and sorts it); PostgreSQL drops the constant column and plans the same either way.
   */
  static final String PAGE_SQL =
      "SELECT sequence, size FROM envelopes"
          + " WHERE recipient = ? AND sequence > ? ORDER BY recipient, sequence LIMIT ?";

  /** The chosen envelopes, whole: the same index, bounded on both sides. */
  static final String BODIES_SQL =
      "SELECT sequence, recipient, envelope_id, body, size, received_at FROM envelopes"
          + " WHERE recipient = ? AND sequence > ? AND sequence <= ? ORDER BY recipient, sequence";

  private final Database database;

  public JpaEnvelopeStore(Database database) {
    this.database = requireNonNull(database, "database");
  }

  @Override
  public Stored store(Envelope envelope, Instant receivedAt) {
    requireNonNull(envelope, "envelope");
    requireNonNull(receivedAt, "receivedAt");
    Account recipient = envelope.recipient();
    EnvelopeId id = envelope.id();
    EnvelopeRow row =
        new EnvelopeRow(
            recipient, id, envelope.toByteArray(), receivedAt.truncatedTo(ChronoUnit.MICROS));
    try {
      return database.writeExclusive(
          ServerDatabase.INBOX,
          lockKey(recipient),
          session -> {
            Optional<Long> first = sequenceOf(session, recipient, id);
            if (first.isPresent()) {
              return new Stored(Outcome.DUPLICATE, new Cursor(first.get()));
            }
            session.insert(row);
            return new Stored(Outcome.STORED, new Cursor(row.sequence));
          });
    } catch (ConstraintViolationException e) {
      if (e.getKind() != ConstraintViolationException.ConstraintKind.UNIQUE) {
        throw e;
      }
      // Only a writer that bypassed the inbox lock can have raced us here; its copy is committed.
      return database
          .read(session -> sequenceOf(session, recipient, id))
          .map(sequence -> new Stored(Outcome.DUPLICATE, new Cursor(sequence)))
          .orElseThrow(() -> e);
    }
  }

  @Override
  public InboxPage read(Account recipient, Optional<Cursor> after, int limit, long maxBytes) {
    requireNonNull(recipient, "recipient");
    requireNonNull(after, "after");
    if (limit <= 0) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
    }
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: > 0)");
    }
    long from = after.map(Cursor::sequence).orElse(0L);
    List<StoredEnvelope> envelopes =
        database.read(
            session -> {
              List<Object[]> page =
                  session
                      .createNativeQuery(PAGE_SQL, Object[].class)
                      .setParameter(1, recipient.canonical())
                      .setParameter(2, from)
                      .setParameter(3, limit)
                      .getResultList();
              if (page.isEmpty()) {
                return List.of();
              }
              long last = ((Number) page.get(0)[0]).longValue();
              long bytes = ((Number) page.get(0)[1]).longValue();
              for (Object[] next : page.subList(1, page.size())) {
                bytes += ((Number) next[1]).longValue();
                if (bytes > maxBytes) {
                  break;
                }
                last = ((Number) next[0]).longValue();
              }
              return session
                  .createNativeQuery(BODIES_SQL, EnvelopeRow.class)
                  .setParameter(1, recipient.canonical())
                  .setParameter(2, from)
                  .setParameter(3, last)
                  .getResultList()
                  .stream()
                  .map(EnvelopeRow::toStoredEnvelope)
                  .toList();
            });
    Optional<Cursor> next =
        envelopes.isEmpty() ? after : Optional.of(envelopes.get(envelopes.size() - 1).cursor());
    return new InboxPage(envelopes, next);
  }

  @Override
  public long count(Account recipient) {
    requireNonNull(recipient, "recipient");
    return database.read(
        session ->
            session
                .createSelectionQuery(
                    "select count(*) from EnvelopeRow where recipient = :recipient", Long.class)
                .setParameter("recipient", recipient.canonical())
                .getSingleResult());
  }

  private static Optional<Long> sequenceOf(
      StatelessSession session, Account recipient, EnvelopeId id) {
    return session
        .createSelectionQuery(
            "select sequence from EnvelopeRow where recipient = :recipient and envelopeId = :id",
            Long.class)
        .setParameter("recipient", recipient.canonical())
        .setParameter("id", id.bytes())
        .uniqueResultOptional();
  }

  /** 32 bits of the address, which is a hash already: spreads inboxes over the lock space. */
  private static int lockKey(Account recipient) {
    return Integer.parseUnsignedInt(recipient.canonical().substring(2, 10), 16);
  }
}
