package org.sealpost.bridge.imap;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.ModSeqProvider;
import org.apache.james.mailbox.store.mail.UidProvider;
import org.hibernate.StatelessSession;

/**
 * A folder's UID and modseq counters, {@code last_uid} and {@code highest_modseq} of its row: never
 * computed from its messages, so UIDNEXT does not go down when the highest UID is expunged. The
 * message mapper takes UIDs and modseqs under the row lock in its own writes; the {@code next*}
 * methods here are for James's callers outside it, each a locked increment of its own.
 */
final class MailboxCounters implements UidProvider, ModSeqProvider {
  private final BridgeDatabase database;

  MailboxCounters(BridgeDatabase database) {
    this.database = requireNonNull(database, "database");
  }

  @Override
  public MessageUid nextUid(Mailbox mailbox) throws MailboxException {
    return nextUid(mailbox.getMailboxId());
  }

  @Override
  public MessageUid nextUid(MailboxId id) throws MailboxException {
    return database.write(
        session -> {
          MailboxRow row = BridgeDatabase.lock(session, id);
          row.lastUid++;
          session.update(row);
          return MessageUid.of(row.lastUid);
        });
  }

  @Override
  public Optional<MessageUid> lastUid(Mailbox mailbox) throws MailboxException {
    long last = database.read(session -> row(session, mailbox.getMailboxId())).lastUid;
    return last == 0 ? Optional.empty() : Optional.of(MessageUid.of(last));
  }

  @Override
  public ModSeq nextModSeq(Mailbox mailbox) throws MailboxException {
    return nextModSeq(mailbox.getMailboxId());
  }

  @Override
  public ModSeq nextModSeq(MailboxId id) throws MailboxException {
    return database.write(
        session -> {
          MailboxRow row = BridgeDatabase.lock(session, id);
          row.highestModseq++;
          session.update(row);
          return ModSeq.of(row.highestModseq);
        });
  }

  @Override
  public ModSeq highestModSeq(Mailbox mailbox) throws MailboxException {
    return highestModSeq(mailbox.getMailboxId());
  }

  @Override
  public ModSeq highestModSeq(MailboxId id) throws MailboxException {
    return ModSeq.of(database.read(session -> row(session, id)).highestModseq);
  }

  private static MailboxRow row(StatelessSession session, MailboxId id)
      throws MailboxNotFoundException {
    MailboxRow row = session.get(MailboxRow.class, BridgeDatabase.rawId(id));
    if (row == null) {
      throw new MailboxNotFoundException(id);
    }
    return row;
  }
}
