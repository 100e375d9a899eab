package org.sealpost.bridge.imap;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.mail.Flags;
import org.apache.james.core.Username;
import org.apache.james.mailbox.ApplicableFlagBuilder;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.AbstractMessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.hibernate.StatelessSession;
import org.sealpost.bridge.OwnCopy;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Message rows on {@code imap_messages}. Rows never carry content: they load as {@link
 * EnvelopeMessage}s that open their envelope on demand.
 *
 * <p>Every write that takes a UID or modseq (add, copy, move, flag changes) does so in one
 * transaction with the folder's row locked ({@link BridgeDatabase#lock}): counters and rows commit
 * together, UIDs become visible in increasing order, and an IMAP session and the inbox sync can
 * write the same folder at once. {@code begin/commit/rollback} are no-ops (each method is its own
 * transaction; docs/design/imap-backend-research.md §3.1).
 */
final class EnvelopeMessageMapper extends AbstractMessageMapper {
  /** Expunge deletes by UID in batches of this many, below every database's parameter limit. */
  private static final int DELETE_BATCH = 500;

  /**
   * Told of every MOVE and COPY before the folder changes (consent, docs/adr/0004-imap-bridge.md);
   * an exception fails the IMAP command and leaves the message where it was.
   */
  interface FolderTransitionHook {
    void beforeTransition(Username owner, String key, String from, String to)
        throws MailboxException;
  }

  private final BridgeDatabase database;

  /** How many of Sent's newest messages a copy is matched against (see sameSentMessage). */
  static final int SENT_MATCH_WINDOW = 50;

  private final MessageStore store;
  private final FolderTransitionHook hook;

  EnvelopeMessageMapper(
      MailboxSession session,
      MailboxCounters counters,
      Clock clock,
      BridgeDatabase database,
      MessageStore store,
      FolderTransitionHook hook) {
    super(session, counters, counters, clock);
    this.database = requireNonNull(database, "database");
    this.store = requireNonNull(store, "store");
    this.hook = requireNonNull(hook, "hook");
  }

  @Override
  public MessageMetaData add(Mailbox mailbox, MailboxMessage message) throws MailboxException {
    EnvelopeMessage envelope;
    if (message instanceof EnvelopeMessage synced) {
      envelope = synced;
    } else {
      // APPEND: read the literal once, seal it to the account's own installation, keep the
      // envelope; the row refers to it like to a synced one.
      byte[] mime;
      try (InputStream in = message.getFullContent()) {
        mime = in.readAllBytes();
      } catch (IOException e) {
        throw new MailboxException("cannot read the appended message", e);
      }
      Username owner = mailboxSession.getUser();
      Optional<MessageRow> same = sameSentMessage(owner, mailbox, mime);
      if (same.isPresent()) {
        // The client's own copy of a message the SMTP bridge already filed here (Thunderbird
        // sends, then APPENDs to Sent): the folder keeps one copy, and the client is given its UID.
        return same.get().metaData();
      }
      envelope =
          new EnvelopeMessage(
              store,
              owner,
              store.sealAppended(owner, mime, mailbox.getName()),
              message.getMessageId(),
              mailbox.getMailboxId(),
              message.getInternalDate(),
              mime.length,
              message.createFlags());
    }
    Instant now = now();
    MessageRow row =
        database.write(
            session -> {
              MailboxRow box = BridgeDatabase.lock(session, mailbox.getMailboxId());
              box.lastUid++;
              box.highestModseq++;
              session.update(box);
              MessageRow added =
                  MessageRow.of(envelope, box.id, box.lastUid, box.highestModseq, now);
              session.insert(added);
              return added;
            });
    envelope.setUid(MessageUid.of(row.uid));
    envelope.setModSeq(ModSeq.of(row.modseq));
    envelope.setSaveDate(java.util.Date.from(now));
    return row.metaData();
  }

  /**
   * In {@code Sent}, a message among the newest {@value #SENT_MATCH_WINDOW} with the Message-ID of
   * {@code mime}; empty in any other folder or without a Message-ID. Opening them costs one cache
   * look-up each in the usual case: the copy to match arrived moments ago.
   */
  Optional<MessageRow> sameSentMessage(Username owner, Mailbox mailbox, byte[] mime)
      throws MailboxException {
    if (!mailbox.getName().equals(OwnCopy.SENT)) {
      return Optional.empty();
    }
    Optional<String> messageId = MessageIds.of(mime);
    if (messageId.isEmpty()) {
      return Optional.empty();
    }
    List<MessageRow> newest =
        database.read(
            session ->
                session
                    .createSelectionQuery(
                        "from MessageRow where mailboxId = :mailbox order by uid desc",
                        MessageRow.class)
                    .setParameter("mailbox", BridgeDatabase.rawId(mailbox.getMailboxId()))
                    .setMaxResults(SENT_MATCH_WINDOW)
                    .getResultList());
    for (MessageRow row : newest) {
      try {
        if (MessageIds.of(store.open(owner, row.envelopeId)).equals(messageId)) {
          return Optional.of(row);
        }
      } catch (IOException e) {
        // a message that does not open is not the one we look for
      }
    }
    return Optional.empty();
  }

  @Override
  public Iterator<MailboxMessage> findInMailbox(
      Mailbox mailbox, MessageRange set, FetchType type, int limit) throws MailboxException {
    return find(mailbox, set, limit).iterator();
  }

  @Override
  public Flux<MailboxMessage> findInMailboxReactive(
      Mailbox mailbox, MessageRange set, FetchType type, int limit) {
    return Flux.defer(
            () -> {
              try {
                return Flux.fromIterable(find(mailbox, set, limit));
              } catch (MailboxException e) {
                return Flux.error(e);
              }
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  private List<MailboxMessage> find(Mailbox mailbox, MessageRange set, int limit)
      throws MailboxException {
    List<MessageRow> rows = database.read(session -> rows(session, mailbox, set, limit));
    List<MailboxMessage> out = new ArrayList<>(rows.size());
    rows.forEach(row -> out.add(row.toMessage(store)));
    return out;
  }

  /** The folder's rows with a UID in {@code set}, by UID (ONE, FROM, RANGE and ALL alike). */
  private static List<MessageRow> rows(
      StatelessSession session, Mailbox mailbox, MessageRange set, int limit) {
    var query =
        session
            .createSelectionQuery(
                "from MessageRow where mailboxId = :mailbox and uid between :from and :to"
                    + " order by uid",
                MessageRow.class)
            .setParameter("mailbox", BridgeDatabase.rawId(mailbox.getMailboxId()))
            .setParameter("from", set.getUidFrom().asLong())
            .setParameter("to", set.getUidTo().asLong());
    if (limit > 0) {
      query.setMaxResults(limit);
    }
    return query.getResultList();
  }

  @Override
  public List<MessageUid> retrieveMessagesMarkedForDeletion(Mailbox mailbox, MessageRange range)
      throws MailboxException {
    return uids(
        "select uid from MessageRow where mailboxId = :mailbox and deleted = true"
            + " and uid between :from and :to order by uid",
        mailbox,
        range);
  }

  @Override
  public List<MessageUid> findRecentMessageUidsInMailbox(Mailbox mailbox) throws MailboxException {
    return uids(
        "select uid from MessageRow where mailboxId = :mailbox and recent = true"
            + " and uid between :from and :to order by uid",
        mailbox,
        MessageRange.all());
  }

  private List<MessageUid> uids(String hql, Mailbox mailbox, MessageRange range)
      throws MailboxException {
    return database.read(
        session ->
            session
                .createSelectionQuery(hql, Long.class)
                .setParameter("mailbox", BridgeDatabase.rawId(mailbox.getMailboxId()))
                .setParameter("from", range.getUidFrom().asLong())
                .setParameter("to", range.getUidTo().asLong())
                .getResultList()
                .stream()
                .map(MessageUid::of)
                .toList());
  }

  @Override
  public long countMessagesInMailbox(Mailbox mailbox) throws MailboxException {
    return count("select count(*) from MessageRow where mailboxId = :mailbox", mailbox);
  }

  @Override
  protected long countUnseenMessagesInMailbox(Mailbox mailbox) throws MailboxException {
    return count(
        "select count(*) from MessageRow where mailboxId = :mailbox and seen = false", mailbox);
  }

  private long count(String hql, Mailbox mailbox) throws MailboxException {
    return database.read(
        session ->
            session
                .createSelectionQuery(hql, Long.class)
                .setParameter("mailbox", BridgeDatabase.rawId(mailbox.getMailboxId()))
                .getSingleResult());
  }

  @Override
  public MessageUid findFirstUnseenMessageUid(Mailbox mailbox) throws MailboxException {
    Long first =
        database.read(
            session ->
                session
                    .createSelectionQuery(
                        "select min(uid) from MessageRow"
                            + " where mailboxId = :mailbox and seen = false",
                        Long.class)
                    .setParameter("mailbox", BridgeDatabase.rawId(mailbox.getMailboxId()))
                    .getSingleResult());
    return first == null ? null : MessageUid.of(first);
  }

  @Override
  public void delete(Mailbox mailbox, MailboxMessage message) throws MailboxException {
    deleteMessages(mailbox, List.of(message.getUid()));
  }

  /** Expunge: the rows go; the envelopes no other row refers to lose their ciphertext. */
  @Override
  public Map<MessageUid, MessageMetaData> deleteMessages(Mailbox mailbox, List<MessageUid> uids)
      throws MailboxException {
    long id = BridgeDatabase.rawId(mailbox.getMailboxId());
    return database.write(
        session -> {
          Map<MessageUid, MessageMetaData> out = new HashMap<>();
          Set<String> envelopes = new LinkedHashSet<>();
          for (int i = 0; i < uids.size(); i += DELETE_BATCH) {
            List<Long> batch =
                uids.subList(i, Math.min(uids.size(), i + DELETE_BATCH)).stream()
                    .map(MessageUid::asLong)
                    .toList();
            List<MessageRow> rows =
                session
                    .createSelectionQuery(
                        "from MessageRow where mailboxId = :mailbox and uid in :uids",
                        MessageRow.class)
                    .setParameter("mailbox", id)
                    .setParameterList("uids", batch)
                    .getResultList();
            session
                .createMutationQuery(
                    "delete from MessageRow where mailboxId = :mailbox and uid in :uids")
                .setParameter("mailbox", id)
                .setParameterList("uids", batch)
                .executeUpdate();
            for (MessageRow row : rows) {
              out.put(MessageUid.of(row.uid), row.metaData());
              envelopes.add(row.envelopeId);
            }
          }
          BridgeDatabase.release(session, mailbox.getUser().asString(), envelopes);
          return out;
        });
  }

  /**
   * STORE: the rows whose flags change get one new modseq, taken under the folder lock with the
   * changes; unchanged rows keep theirs. Every row in range is reported, changed or not. Clearing
   * {@code \Recent} (which SELECT does, after it has told the client HIGHESTMODSEQ) takes no
   * modseq: it is a session's view, not a change a CONDSTORE client should fetch again.
   */
  @Override
  public Iterator<UpdatedFlags> updateFlags(
      Mailbox mailbox, FlagsUpdateCalculator calculator, MessageRange set) throws MailboxException {
    return database
        .write(
            session -> {
              MailboxRow box = BridgeDatabase.lock(session, mailbox.getMailboxId());
              long modseq = box.highestModseq + 1;
              boolean changed = false;
              List<UpdatedFlags> out = new ArrayList<>();
              for (MessageRow row : rows(session, mailbox, set, UNLIMITED)) {
                Flags old = row.flags();
                Flags updated = calculator.buildNewFlags(old);
                if (UpdatedFlags.flagsChanged(old, updated)) {
                  row.setFlags(updated);
                  if (UpdatedFlags.flagsChanged(withoutRecent(old), withoutRecent(updated))) {
                    row.modseq = modseq;
                    changed = true;
                  }
                  session.update(row);
                }
                out.add(
                    UpdatedFlags.builder()
                        .uid(MessageUid.of(row.uid))
                        .messageId(new SealpostMessageId(row.messageId))
                        .modSeq(ModSeq.of(row.modseq))
                        .oldFlags(old)
                        .newFlags(row.flags())
                        .build());
              }
              if (changed) {
                box.highestModseq = modseq;
                session.update(box);
              }
              return out;
            })
        .iterator();
  }

  private static Flags withoutRecent(Flags flags) {
    Flags copy = new Flags(flags);
    copy.remove(Flags.Flag.RECENT);
    return copy;
  }

  /** COPY: the consent hook first, synchronously, so a refusal is the command's. */
  @Override
  public MessageMetaData copy(Mailbox mailbox, MailboxMessage original) throws MailboxException {
    return transfer(mailbox, original, false);
  }

  /** MOVE: the hook, then the copy and the source row's removal in one transaction. */
  @Override
  public MessageMetaData move(Mailbox mailbox, MailboxMessage original) throws MailboxException {
    return transfer(mailbox, original, true);
  }

  private MessageMetaData transfer(Mailbox target, MailboxMessage original, boolean move)
      throws MailboxException {
    long sourceId = BridgeDatabase.rawId(original.getMailboxId());
    String source =
        database.read(
            session -> {
              MailboxRow row = session.get(MailboxRow.class, sourceId);
              if (row == null) {
                throw new MailboxException("no folder " + original.getMailboxId());
              }
              return row.name;
            });
    // Outside the write: the hook may ask the home server, which must not hold the folder lock.
    hook.beforeTransition(
        target.getUser(), ((EnvelopeMessage) original).key(), source, target.getName());
    Instant now = now();
    return database.write(
        session -> {
          MailboxRow box = BridgeDatabase.lock(session, target.getMailboxId());
          MessageRow from =
              session.get(
                  MessageRow.class, new MessageRow.Key(sourceId, original.getUid().asLong()));
          if (from == null) {
            throw new MailboxException(
                "message " + original.getUid().asLong() + " is no longer in " + source);
          }
          box.lastUid++;
          box.highestModseq++;
          session.update(box);
          Flags flags = from.flags();
          flags.add(Flags.Flag.RECENT);
          MessageRow copy = from.copyTo(box.id, box.lastUid, box.highestModseq, flags, now);
          session.insert(copy);
          if (move) {
            session.delete(from);
          }
          return copy.metaData();
        });
  }

  /** The system flags and every keyword in use in the folder. */
  @Override
  public Flags getApplicableFlag(Mailbox mailbox) throws MailboxException {
    List<String> keywords =
        database.read(
            session ->
                session
                    .createSelectionQuery(
                        "select distinct userFlags from MessageRow"
                            + " where mailboxId = :mailbox and userFlags <> ''",
                        String.class)
                    .setParameter("mailbox", BridgeDatabase.rawId(mailbox.getMailboxId()))
                    .getResultList());
    ApplicableFlagBuilder flags = ApplicableFlagBuilder.builder();
    keywords.forEach(k -> flags.add(Arrays.stream(k.split(" ")).toArray(String[]::new)));
    return flags.build();
  }

  /** Unused: every caller of it ({@code add}, {@code updateFlags}) is overridden above. */
  @Override
  protected MessageMetaData save(Mailbox mailbox, MailboxMessage message) {
    throw new UnsupportedOperationException("rows are written under the folder lock only");
  }

  /** Unused: {@code copy(Mailbox, MailboxMessage)} is overridden above. */
  @Override
  protected MessageMetaData copy(
      Mailbox mailbox, MessageUid uid, ModSeq modSeq, MailboxMessage original) {
    throw new UnsupportedOperationException("rows are written under the folder lock only");
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  @Override
  protected void begin() {}

  @Override
  protected void commit() {}

  @Override
  protected void rollback() {}
}
