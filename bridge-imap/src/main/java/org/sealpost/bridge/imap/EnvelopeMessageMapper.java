package org.sealpost.bridge.imap;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import javax.mail.Flags;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.store.mail.AbstractMessageMapper;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.ModSeqProvider;
import org.apache.james.mailbox.store.mail.UidProvider;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;

/**
 * Message rows of all mailboxes, IN MEMORY for this slice (the Hibernate mapper is the next slice).
 * Rows never carry content: they are {@link EnvelopeMessage}s that open on demand.
 */
final class EnvelopeMessageMapper extends AbstractMessageMapper {
  /** Rows by mailbox, shared by every mapper of one bridge. */
  static final class Rows {
    private final Map<MailboxId, ConcurrentSkipListMap<MessageUid, EnvelopeMessage>> byMailbox =
        new ConcurrentHashMap<>();

    ConcurrentSkipListMap<MessageUid, EnvelopeMessage> of(MailboxId id) {
      return byMailbox.computeIfAbsent(id, any -> new ConcurrentSkipListMap<>());
    }
  }

  /**
   * Told of every MOVE and COPY before the folder changes (consent, docs/adr/0004-imap-bridge.md);
   * an exception fails the IMAP command and leaves the message where it was.
   */
  interface FolderTransitionHook {
    void beforeTransition(Username owner, String key, String from, String to)
        throws MailboxException;
  }

  private final Rows rows;
  private final MessageStore store;
  private final MailboxMapper mailboxes;
  private final FolderTransitionHook hook;

  EnvelopeMessageMapper(
      MailboxSession session,
      UidProvider uids,
      ModSeqProvider modSeqs,
      Clock clock,
      Rows rows,
      MessageStore store,
      MailboxMapper mailboxes,
      FolderTransitionHook hook) {
    super(session, uids, modSeqs, clock);
    this.rows = rows;
    this.store = store;
    this.mailboxes = mailboxes;
    this.hook = hook;
  }

  @Override
  public MessageMetaData add(Mailbox mailbox, MailboxMessage message) throws MailboxException {
    if (message instanceof EnvelopeMessage) {
      return super.add(mailbox, message);
    }
    // APPEND: read the literal once, seal it to the account's own installation, keep the envelope.
    byte[] mime;
    try (InputStream in = message.getFullContent()) {
      mime = in.readAllBytes();
    } catch (IOException e) {
      throw new MailboxException("cannot read the appended message", e);
    }
    String key = store.sealAppended(mailboxSession.getUser(), mime);
    EnvelopeMessage row =
        new EnvelopeMessage(
            store,
            mailboxSession.getUser(),
            key,
            message.getMessageId(),
            mailbox.getMailboxId(),
            message.getInternalDate(),
            mime.length,
            message.createFlags());
    return super.add(mailbox, row);
  }

  @Override
  public Iterator<MailboxMessage> findInMailbox(
      Mailbox mailbox, MessageRange set, FetchType type, int limit) {
    List<MailboxMessage> out = new ArrayList<>();
    for (EnvelopeMessage m : rows.of(mailbox.getMailboxId()).values()) {
      if (set.includes(m.getUid())) {
        out.add(m);
        if (limit > 0 && out.size() >= limit) {
          break;
        }
      }
    }
    return out.iterator();
  }

  @Override
  public List<MessageUid> retrieveMessagesMarkedForDeletion(Mailbox mailbox, MessageRange range) {
    List<MessageUid> out = new ArrayList<>();
    for (EnvelopeMessage m : rows.of(mailbox.getMailboxId()).values()) {
      if (range.includes(m.getUid()) && m.isDeleted()) {
        out.add(m.getUid());
      }
    }
    return out;
  }

  @Override
  public long countMessagesInMailbox(Mailbox mailbox) {
    return rows.of(mailbox.getMailboxId()).size();
  }

  @Override
  protected long countUnseenMessagesInMailbox(Mailbox mailbox) {
    return rows.of(mailbox.getMailboxId()).values().stream().filter(m -> !m.isSeen()).count();
  }

  @Override
  public void delete(Mailbox mailbox, MailboxMessage message) {
    rows.of(mailbox.getMailboxId()).remove(message.getUid());
  }

  @Override
  public Map<MessageUid, MessageMetaData> deleteMessages(Mailbox mailbox, List<MessageUid> uids) {
    Map<MessageUid, MessageMetaData> out = new HashMap<>();
    for (MessageUid uid : uids) {
      EnvelopeMessage m = rows.of(mailbox.getMailboxId()).remove(uid);
      if (m != null) {
        out.put(uid, m.metaData());
      }
    }
    return out;
  }

  @Override
  public MessageUid findFirstUnseenMessageUid(Mailbox mailbox) {
    return rows.of(mailbox.getMailboxId()).values().stream()
        .filter(m -> !m.isSeen())
        .map(MailboxMessage::getUid)
        .findFirst()
        .orElse(null);
  }

  @Override
  public List<MessageUid> findRecentMessageUidsInMailbox(Mailbox mailbox) {
    return rows.of(mailbox.getMailboxId()).values().stream()
        .filter(MailboxMessage::isRecent)
        .map(MailboxMessage::getUid)
        .toList();
  }

  /** COPY, and MOVE through it: the hook first, synchronously, so a refusal is the command's. */
  @Override
  public MessageMetaData copy(Mailbox mailbox, MailboxMessage original) throws MailboxException {
    Mailbox source =
        mailboxes
            .findMailboxById(original.getMailboxId())
            .blockOptional()
            .orElseThrow(() -> new MailboxException("no folder " + original.getMailboxId()));
    hook.beforeTransition(
        mailbox.getUser(), ((EnvelopeMessage) original).key(), source.getName(), mailbox.getName());
    return super.copy(mailbox, original);
  }

  @Override
  public MessageMetaData move(Mailbox mailbox, MailboxMessage original) throws MailboxException {
    MessageMetaData moved = copy(mailbox, original);
    rows.of(original.getMailboxId()).remove(original.getUid());
    return moved;
  }

  @Override
  public Flags getApplicableFlag(Mailbox mailbox) {
    Flags flags = new Flags();
    rows.of(mailbox.getMailboxId()).values().forEach(m -> flags.add(m.createFlags()));
    flags.remove(Flags.Flag.RECENT);
    return flags;
  }

  @Override
  protected MessageMetaData save(Mailbox mailbox, MailboxMessage message) {
    EnvelopeMessage row = (EnvelopeMessage) message;
    row.setSaveDate(java.util.Date.from(clock.instant()));
    rows.of(mailbox.getMailboxId()).put(row.getUid(), row);
    return row.metaData();
  }

  @Override
  protected MessageMetaData copy(
      Mailbox mailbox, MessageUid uid, ModSeq modSeq, MailboxMessage original) {
    EnvelopeMessage row = ((EnvelopeMessage) original).copyTo(mailbox.getMailboxId());
    row.setUid(uid);
    row.setModSeq(modSeq);
    Flags flags = original.createFlags();
    flags.add(Flags.Flag.RECENT);
    row.setFlags(flags);
    return save(mailbox, row);
  }

  @Override
  protected void begin() {}

  @Override
  protected void commit() {}

  @Override
  protected void rollback() {}
}
