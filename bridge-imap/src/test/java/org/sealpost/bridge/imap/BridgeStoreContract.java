package org.sealpost.bridge.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.mail.Flags;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager.FlagsUpdateMode;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.model.search.MailboxQuery;
import org.apache.james.mailbox.model.search.Wildcard;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.MessageMapper.FetchType;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.user.model.Subscription;
import org.junit.jupiter.api.Test;
import org.sealpost.client.SealpostClient;

/**
 * The bridge's mailbox backend on a real database: folders, message rows, UID and modseq counters,
 * subscriptions, sync cursors. Implemented once per database (H2, PostgreSQL). Every test works on
 * an owner of its own, so tests share a database without seeing each other's rows.
 */
interface BridgeStoreContract {
  Clock CLOCK = Clock.systemUTC();
  SecureRandom RANDOM = new SecureRandom();

  BridgeDatabase database();

  /** What the tests of one run need, for one fresh owner. */
  final class Fixture {
    final Username owner;
    final BridgeDatabase database;
    final JpaMailboxMapper mailboxes;
    final MailboxCounters counters;
    final MessageStore store;
    final MailboxSession session;
    final List<String> transitions = Collections.synchronizedList(new ArrayList<>());

    Fixture(BridgeDatabase database) {
      byte[] account = new byte[20];
      RANDOM.nextBytes(account);
      this.owner = Username.of("0x" + HexFormat.of().formatHex(account) + "@home.test");
      this.database = database;
      this.mailboxes = new JpaMailboxMapper(database);
      this.counters = new MailboxCounters(database);
      // Never reached here: message rows refer to envelopes the test stores itself.
      this.store =
          new MessageStore(
              database, new SealpostClient(URI.create("http://127.0.0.1:9"), CLOCK), CLOCK, RANDOM);
      this.session =
          new MailboxSession(
              MailboxSession.SessionId.of(RANDOM.nextLong()),
              owner,
              Optional.of(owner),
              List.of(Locale.ROOT),
              '.',
              MailboxSession.SessionType.User);
    }

    EnvelopeMessageMapper messages() {
      return new EnvelopeMessageMapper(
          session,
          counters,
          CLOCK,
          database,
          store,
          (who, key, from, to) -> transitions.add(key + " " + from + " -> " + to));
    }

    Mailbox folder(String name) {
      return mailboxes.create(MailboxPath.forUser(owner, name), UidValidity.generate()).block();
    }

    /** A stored envelope (stand-in ciphertext) and a message for it, not yet in a folder. */
    EnvelopeMessage message(Mailbox folder, Flags flags) throws Exception {
      byte[] id = new byte[16];
      RANDOM.nextBytes(id);
      String key = HexFormat.of().formatHex(id);
      KeptEnvelopeRow row = new KeptEnvelopeRow();
      row.owner = owner.asString();
      row.envelopeId = key;
      row.body = new byte[] {1, 2, 3};
      row.rendered = true;
      row.storedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
      database.write(
          session -> {
            session.insert(row);
            return row;
          });
      return new EnvelopeMessage(
          store,
          owner,
          key,
          new SealpostMessageId.Factory(RANDOM).generate(),
          folder.getMailboxId(),
          new Date(),
          1234,
          flags);
    }

    List<MailboxMessage> all(Mailbox folder) throws Exception {
      List<MailboxMessage> out = new ArrayList<>();
      messages()
          .findInMailbox(folder, MessageRange.all(), FetchType.METADATA, -1)
          .forEachRemaining(out::add);
      return out;
    }
  }

  private Fixture fixture() {
    return new Fixture(database());
  }

  @Test
  default void uidsAreUniqueAndIncreasingWhenManySessionsAddAtOnce() throws Exception {
    Fixture f = fixture();
    Mailbox inbox = f.folder("INBOX");
    int threads = 6;
    int each = 15;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<Long>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Callable<List<Long>> adder =
            () -> {
              EnvelopeMessageMapper mapper = f.messages();
              List<Long> uids = new ArrayList<>();
              for (int i = 0; i < each; i++) {
                uids.add(mapper.add(inbox, f.message(inbox, new Flags())).getUid().asLong());
              }
              return uids;
            };
        results.add(pool.submit(adder));
      }
      List<Long> all = new ArrayList<>();
      for (Future<List<Long>> result : results) {
        List<Long> uids = result.get();
        // Each session sees its own UIDs strictly increasing.
        assertThat(uids).isSorted().doesNotHaveDuplicates();
        all.addAll(uids);
      }
      assertThat(all).doesNotHaveDuplicates().hasSize(threads * each);
      assertThat(all).allMatch(uid -> uid >= 1 && uid <= threads * each);
    } finally {
      pool.shutdownNow();
    }
    assertThat(f.counters.lastUid(inbox)).contains(MessageUid.of(threads * each));
    assertThat(f.messages().countMessagesInMailbox(inbox)).isEqualTo(threads * each);
    assertThat(f.counters.highestModSeq(inbox)).isEqualTo(ModSeq.of(threads * each));
  }

  @Test
  default void aFlagChangeTakesANewModseqAndOnlyChangedRowsGetIt() throws Exception {
    Fixture f = fixture();
    Mailbox inbox = f.folder("INBOX");
    EnvelopeMessageMapper mapper = f.messages();
    MessageMetaData first = mapper.add(inbox, f.message(inbox, new Flags(Flags.Flag.RECENT)));
    MessageMetaData second = mapper.add(inbox, f.message(inbox, new Flags()));
    ModSeq before = f.counters.highestModSeq(inbox);

    Flags seenAndLabel = new Flags(Flags.Flag.SEEN);
    seenAndLabel.add("$Label1");
    List<UpdatedFlags> updated = new ArrayList<>();
    Iterator<UpdatedFlags> it =
        mapper.updateFlags(
            inbox,
            new FlagsUpdateCalculator(seenAndLabel, FlagsUpdateMode.ADD),
            MessageRange.one(first.getUid()));
    it.forEachRemaining(updated::add);

    assertThat(updated).singleElement();
    assertThat(updated.get(0).getModSeq().asLong()).isGreaterThan(before.asLong());
    assertThat(f.counters.highestModSeq(inbox)).isEqualTo(updated.get(0).getModSeq());
    List<MailboxMessage> rows = f.all(inbox);
    assertThat(rows.get(0).createFlags().contains(Flags.Flag.SEEN)).isTrue();
    assertThat(rows.get(0).createFlags().contains("$Label1")).isTrue();
    assertThat(rows.get(0).createFlags().contains(Flags.Flag.RECENT)).isTrue();
    assertThat(rows.get(1).getModSeq()).isEqualTo(second.getModSeq());
    assertThat(mapper.getApplicableFlag(inbox).contains("$Label1")).isTrue();

    // The same STORE again changes nothing: no new modseq.
    mapper.updateFlags(
        inbox,
        new FlagsUpdateCalculator(seenAndLabel, FlagsUpdateMode.ADD),
        MessageRange.one(first.getUid()));
    assertThat(f.counters.highestModSeq(inbox)).isEqualTo(updated.get(0).getModSeq());
    assertThat(mapper.findFirstUnseenMessageUid(inbox)).isEqualTo(second.getUid());
    assertThat(mapper.findRecentMessageUidsInMailbox(inbox)).containsExactly(first.getUid());

    // SELECT clears \Recent after reporting HIGHESTMODSEQ: no new modseq for that.
    mapper.resetRecent(inbox);
    assertThat(mapper.findRecentMessageUidsInMailbox(inbox)).isEmpty();
    assertThat(f.counters.highestModSeq(inbox)).isEqualTo(updated.get(0).getModSeq());
  }

  @Test
  default void expungeRemovesRowsButUidNextNeverGoesDown() throws Exception {
    Fixture f = fixture();
    Mailbox inbox = f.folder("INBOX");
    EnvelopeMessageMapper mapper = f.messages();
    mapper.add(inbox, f.message(inbox, new Flags()));
    mapper.add(inbox, f.message(inbox, new Flags()));
    MessageMetaData last = mapper.add(inbox, f.message(inbox, new Flags(Flags.Flag.DELETED)));
    String lastKey = ((EnvelopeMessage) f.all(inbox).get(2)).key();

    List<MessageUid> marked = mapper.retrieveMessagesMarkedForDeletion(inbox, MessageRange.all());
    assertThat(marked).containsExactly(last.getUid());
    Map<MessageUid, MessageMetaData> gone = mapper.deleteMessages(inbox, marked);

    assertThat(gone).containsOnlyKeys(last.getUid());
    assertThat(mapper.countMessagesInMailbox(inbox)).isEqualTo(2);
    assertThat(f.counters.lastUid(inbox)).contains(last.getUid());
    assertThat(mapper.add(inbox, f.message(inbox, new Flags())).getUid().asLong()).isEqualTo(4);
    // The envelope is still known (no re-sync brings it back) but its ciphertext is gone.
    assertThat(f.store.knows(f.owner, lastKey)).isTrue();
    KeptEnvelopeRow kept =
        database().read(s -> s.get(KeptEnvelopeRow.class, KeptEnvelopes.key(f.owner, lastKey)));
    assertThat(kept.body).isNull();
  }

  @Test
  default void copyAndMoveTakeTheTargetsNextUidAndTellTheHook() throws Exception {
    Fixture f = fixture();
    Mailbox requests = f.folder("Requests");
    Mailbox inbox = f.folder("INBOX");
    Mailbox archive = f.folder("Archive");
    EnvelopeMessageMapper mapper = f.messages();
    mapper.add(requests, f.message(requests, new Flags(Flags.Flag.SEEN)));
    mapper.add(requests, f.message(requests, new Flags()));
    List<MailboxMessage> sources = f.all(requests);
    String key = ((EnvelopeMessage) sources.get(0)).key();

    MessageMetaData copied = mapper.copy(archive, sources.get(0));
    MessageMetaData moved = mapper.move(inbox, sources.get(0));

    assertThat(copied.getUid().asLong()).isEqualTo(1);
    assertThat(copied.getFlags().contains(Flags.Flag.SEEN)).isTrue();
    assertThat(copied.getFlags().contains(Flags.Flag.RECENT)).isTrue();
    assertThat(moved.getUid().asLong()).isEqualTo(1);
    assertThat(f.transitions)
        .containsExactly(key + " Requests -> Archive", key + " Requests -> INBOX");
    assertThat(f.all(requests))
        .extracting(MailboxMessage::getUid)
        .containsExactly(MessageUid.of(2));
    assertThat(f.all(inbox))
        .singleElement()
        .extracting(m -> ((EnvelopeMessage) m).key())
        .isEqualTo(key);
    assertThat(f.all(archive).get(0).getMessageId()).isEqualTo(sources.get(0).getMessageId());
    // Moving a message that is no longer there fails the command, changes nothing.
    assertThatThrownBy(() -> mapper.move(archive, sources.get(0)))
        .hasMessageContaining("no longer in Requests");
    assertThat(f.counters.lastUid(archive)).contains(MessageUid.of(1));
  }

  @Test
  default void foldersAreCreatedFoundRenamedAndDeletedWithTheirMessages() throws Exception {
    Fixture f = fixture();
    Mailbox projects = f.folder("Projects");
    f.folder("Projects.2026");
    EnvelopeMessageMapper mapper = f.messages();
    mapper.add(projects, f.message(projects, new Flags()));

    assertThatThrownBy(
            () ->
                f.mailboxes
                    .create(MailboxPath.forUser(f.owner, "Projects"), UidValidity.generate())
                    .block())
        .hasCauseInstanceOf(MailboxExistsException.class);
    assertThat(f.mailboxes.findMailboxByPath(MailboxPath.forUser(f.owner, "Nope")).blockOptional())
        .isEmpty();
    assertThat(f.mailboxes.hasChildren(projects, '.').block()).isTrue();
    assertThat(
            f.mailboxes
                .findMailboxWithPathLike(
                    MailboxQuery.privateMailboxesBuilder(f.session)
                        .expression(Wildcard.INSTANCE)
                        .build()
                        .asUserBound())
                .map(Mailbox::getName)
                .collectList()
                .block())
        .containsExactlyInAnyOrder("Projects", "Projects.2026");

    Mailbox renamed =
        new Mailbox(
            MailboxPath.forUser(f.owner, "Work"),
            projects.getUidValidity(),
            projects.getMailboxId());
    f.mailboxes.rename(renamed).block();
    Mailbox found = f.mailboxes.findMailboxByPath(MailboxPath.forUser(f.owner, "Work")).block();
    assertThat(found.getMailboxId()).isEqualTo(projects.getMailboxId());
    assertThat(found.getUidValidity()).isEqualTo(projects.getUidValidity());
    assertThat(mapper.countMessagesInMailbox(found)).isEqualTo(1);
    Mailbox clash =
        new Mailbox(
            MailboxPath.forUser(f.owner, "Projects.2026"),
            projects.getUidValidity(),
            projects.getMailboxId());
    assertThatThrownBy(() -> f.mailboxes.rename(clash).block())
        .hasCauseInstanceOf(MailboxExistsException.class);

    f.mailboxes.delete(found).block();
    assertThatThrownBy(() -> f.mailboxes.findMailboxById(found.getMailboxId()).block())
        .hasCauseInstanceOf(MailboxNotFoundException.class);
    long left =
        database()
            .<Long>read(
                s ->
                    s.createSelectionQuery(
                            "select count(*) from MessageRow where mailboxId = :id", Long.class)
                        .setParameter("id", BridgeDatabase.rawId(found.getMailboxId()))
                        .getSingleResult());
    assertThat(left).isZero();
  }

  @Test
  default void subscriptionsAreSavedOnceListedAndDeleted() throws Exception {
    Fixture f = fixture();
    JpaSubscriptionMapper subscriptions = new JpaSubscriptionMapper(database());
    subscriptions.save(new Subscription(f.owner, "#private:INBOX"));
    subscriptions.save(new Subscription(f.owner, "#private:Work"));
    subscriptions.save(new Subscription(f.owner, "#private:Work"));

    assertThat(subscriptions.findSubscriptionsForUser(f.owner))
        .extracting(Subscription::getMailbox)
        .containsExactly("#private:INBOX", "#private:Work");
    subscriptions.delete(new Subscription(f.owner, "#private:Work"));
    assertThat(subscriptions.findSubscriptionsForUser(f.owner))
        .extracting(Subscription::getMailbox)
        .containsExactly("#private:INBOX");
  }

  @Test
  default void theSyncCursorIsRecordedAndReplaced() throws Exception {
    Fixture f = fixture();
    SyncCursors cursors = new SyncCursors(database(), CLOCK);
    assertThat(cursors.of(f.owner)).isEmpty();
    cursors.save(f.owner, "c-1");
    cursors.save(f.owner, "c-2");
    assertThat(cursors.of(f.owner)).contains("c-2");
  }
}
