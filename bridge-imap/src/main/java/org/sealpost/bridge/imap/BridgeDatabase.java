package org.sealpost.bridge.imap;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.List;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.inmemory.InMemoryId;
import org.apache.james.mailbox.model.MailboxId;
import org.hibernate.LockMode;
import org.hibernate.StatelessSession;
import org.sealpost.database.Database;

/**
 * The bridge's use of the shared {@link Database}: its tables ({@code imap_*}, migration V2) and
 * transactions that speak James's checked {@link MailboxException}. Every call is one short
 * transaction; none is bound to a thread, since James calls mappers from Netty and Reactor threads
 * and may begin and commit on different ones (docs/design/imap-backend-research.md §3.1).
 */
final class BridgeDatabase implements AutoCloseable {
  /** The entities Hibernate validates against the schema. */
  static final List<Class<?>> ENTITIES =
      List.of(
          MailboxRow.class,
          MessageRow.class,
          KeptEnvelopeRow.class,
          SubscriptionRow.class,
          SyncCursorRow.class);

  /** One unit of work in a transaction. */
  interface Work<R> {
    R run(StatelessSession session) throws MailboxException;
  }

  private final Database database;

  BridgeDatabase(Database database) {
    this.database = requireNonNull(database, "database");
  }

  <R> R read(Work<R> work) throws MailboxException {
    return run(work, false);
  }

  /** A write, committed (and on disk) before this returns. */
  <R> R write(Work<R> work) throws MailboxException {
    return run(work, true);
  }

  private <R> R run(Work<R> work, boolean write) throws MailboxException {
    java.util.function.Function<StatelessSession, R> unchecked =
        session -> {
          try {
            return work.run(session);
          } catch (MailboxException e) {
            throw new Carrier(e);
          }
        };
    try {
      return write ? database.write(unchecked) : database.read(unchecked);
    } catch (Carrier c) {
      throw c.failure;
    } catch (RuntimeException e) {
      // A NO for the command, never a dropped connection.
      throw new MailboxException("the bridge's database failed: " + e.getMessage(), e);
    }
  }

  /**
   * The folder's row, locked until the transaction ends ({@code SELECT … FOR UPDATE}): whoever
   * takes UIDs or modseqs from its counters holds it while writing the rows that use them, so UIDs
   * commit in the order they are handed out, by any number of sessions and bridges.
   */
  static MailboxRow lock(StatelessSession session, MailboxId id) throws MailboxNotFoundException {
    MailboxRow row = session.get(MailboxRow.class, rawId(id), LockMode.PESSIMISTIC_WRITE);
    if (row == null) {
      throw new MailboxNotFoundException(id);
    }
    return row;
  }

  static long rawId(MailboxId id) {
    return ((InMemoryId) id).getRawId();
  }

  /**
   * Forgets the ciphertext of those of {@code owner}'s envelopes no message refers to any more
   * (expunged, or in a deleted folder), keeping the id so that a re-read inbox does not bring them
   * back.
   */
  static void release(StatelessSession session, String owner, Collection<String> envelopeIds) {
    for (String id : envelopeIds) {
      session
          .createMutationQuery(
              "update KeptEnvelopeRow e set e.body = null"
                  + " where e.owner = :owner and e.envelopeId = :id and not exists"
                  + " (select 1 from MessageRow m where m.owner = :owner and m.envelopeId = :id)")
          .setParameter("owner", owner)
          .setParameter("id", id)
          .executeUpdate();
    }
  }

  @Override
  public void close() {
    database.close();
  }

  /** Carries a checked failure out of the lambda {@link Database} runs. */
  private static final class Carrier extends RuntimeException {
    final MailboxException failure;

    Carrier(MailboxException failure) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
    }
  }
}
