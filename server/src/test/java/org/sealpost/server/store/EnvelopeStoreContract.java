package org.sealpost.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sealpost.server.store.StoreFixtures.NOW;
import static org.sealpost.server.store.StoreFixtures.envelope;
import static org.sealpost.server.store.StoreFixtures.randomAccount;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sealpost.identity.Account;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.identity.envelope.EnvelopeId;
import org.sealpost.server.store.EnvelopeStore.Outcome;
import org.sealpost.server.store.EnvelopeStore.Stored;

/**
 * What every {@link EnvelopeStore} owes. Tests may share one store and its data: each test uses
 * accounts of its own.
 */
public interface EnvelopeStoreContract {

  /** The store under test. May be called more than once per test; must be the same data. */
  EnvelopeStore envelopeStore();

  @Test
  default void storingANewEnvelopeStoresIt() {
    Account recipient = randomAccount();

    Stored stored = envelopeStore().store(envelope(recipient), NOW);

    assertThat(stored.outcome()).isEqualTo(Outcome.STORED);
    assertThat(envelopeStore().count(recipient)).isEqualTo(1);
  }

  @Test
  default void storingTheSameEnvelopeTwiceIsADuplicate() {
    Account recipient = randomAccount();
    Envelope envelope = envelope(recipient);

    Stored first = envelopeStore().store(envelope, NOW);
    Stored second = envelopeStore().store(envelope, NOW.plusSeconds(60));

    assertThat(second).isEqualTo(new Stored(Outcome.DUPLICATE, first.cursor()));
    assertThat(envelopeStore().count(recipient)).isEqualTo(1);
  }

  @Test
  default void aDuplicateKeepsTheCursorOfTheFirstCopyAfterOtherEnvelopesArrived() {
    Account recipient = randomAccount();
    Envelope envelope = envelope(recipient);
    Stored first = envelopeStore().store(envelope, NOW);
    envelopeStore().store(envelope(recipient), NOW);
    envelopeStore().store(envelope(randomAccount()), NOW);

    Stored again = envelopeStore().store(envelope, NOW);

    assertThat(again).isEqualTo(new Stored(Outcome.DUPLICATE, first.cursor()));
  }

  @Test
  default void aDuplicateIsJudgedByRecipientAndIdAloneAndChangesNothing() {
    Account recipient = randomAccount();
    EnvelopeId id = EnvelopeId.of(StoreFixtures.randomBytes(EnvelopeId.LENGTH));
    Envelope original = envelope(recipient, id, 100);
    Envelope otherBytesSameId = envelope(recipient, id, 200);
    Stored first = envelopeStore().store(original, NOW);

    Stored second = envelopeStore().store(otherBytesSameId, NOW.plusSeconds(1));

    assertThat(second).isEqualTo(new Stored(Outcome.DUPLICATE, first.cursor()));
    InboxPage page = envelopeStore().read(recipient, Optional.empty(), 10, Long.MAX_VALUE);
    assertThat(page.envelopes()).singleElement();
    assertThat(page.envelopes().get(0).body()).isEqualTo(original.toByteArray());
    assertThat(page.envelopes().get(0).receivedAt()).isEqualTo(NOW);
  }

  @Test
  default void theSameIdForAnotherRecipientIsAnotherEnvelope() {
    EnvelopeId id = EnvelopeId.of(StoreFixtures.randomBytes(EnvelopeId.LENGTH));
    Account alice = randomAccount();
    Account bob = randomAccount();

    Stored forAlice = envelopeStore().store(envelope(alice, id, 64), NOW);
    Stored forBob = envelopeStore().store(envelope(bob, id, 64), NOW);

    assertThat(forAlice.outcome()).isEqualTo(Outcome.STORED);
    assertThat(forBob.outcome()).isEqualTo(Outcome.STORED);
    assertThat(forBob.cursor()).isNotEqualTo(forAlice.cursor());
  }

  @Test
  default void copiesOfOneEnvelopeStoredAtOnceAreStoredOnce() throws Exception {
    int threads = 8;
    int rounds = 10;
    Account recipient = randomAccount();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < rounds; round++) {
        Envelope envelope = envelope(recipient);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Stored>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return envelopeStore().store(envelope, NOW);
                  }));
        }
        start.countDown();
        List<Stored> stored = new ArrayList<>();
        for (Future<Stored> result : results) {
          stored.add(result.get(30, TimeUnit.SECONDS));
        }

        assertThat(stored).filteredOn(s -> s.outcome() == Outcome.STORED).hasSize(1);
        assertThat(stored).extracting(Stored::cursor).containsOnly(stored.get(0).cursor());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(envelopeStore().count(recipient)).isEqualTo(rounds);
  }

  @Test
  default void sequencesGrowWithEachStoredEnvelopeAcrossInboxes() {
    Account alice = randomAccount();
    Account bob = randomAccount();
    List<Cursor> cursors = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      cursors.add(envelopeStore().store(envelope(i % 2 == 0 ? alice : bob), NOW).cursor());
    }

    assertThat(cursors).isSortedAccordingTo(Cursor::compareTo).doesNotHaveDuplicates();
  }

  @Test
  default void anEmptyInboxReadsAsAnEmptyPageWithNoCursor() {
    InboxPage page = envelopeStore().read(randomAccount(), Optional.empty(), 10, Long.MAX_VALUE);

    assertThat(page.envelopes()).isEmpty();
    assertThat(page.next()).isEmpty();
    assertThat(envelopeStore().count(randomAccount())).isZero();
  }

  @Test
  default void readingFromTheStartGivesEveryEnvelopeOldestFirst() {
    Account recipient = randomAccount();
    List<Envelope> sent = new ArrayList<>();
    List<Cursor> cursors = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Envelope envelope = envelope(recipient);
      sent.add(envelope);
      cursors.add(envelopeStore().store(envelope, NOW.plusSeconds(i)).cursor());
    }

    InboxPage page = envelopeStore().read(recipient, Optional.empty(), 10, Long.MAX_VALUE);

    assertThat(page.envelopes())
        .extracting(StoredEnvelope::id)
        .containsExactlyElementsOf(sent.stream().map(Envelope::id).toList());
    assertThat(page.envelopes())
        .extracting(StoredEnvelope::cursor)
        .containsExactlyElementsOf(cursors);
    assertThat(page.next()).contains(cursors.get(4));
  }

  @Test
  default void readingAfterACursorGivesOnlyLaterEnvelopes() {
    Account recipient = randomAccount();
    List<Cursor> cursors = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      cursors.add(envelopeStore().store(envelope(recipient), NOW).cursor());
    }

    InboxPage page =
        envelopeStore().read(recipient, Optional.of(cursors.get(1)), 10, Long.MAX_VALUE);

    assertThat(page.envelopes())
        .extracting(StoredEnvelope::cursor)
        .containsExactlyElementsOf(cursors.subList(2, 5));
  }

  @Test
  default void pagesOfLimitEnvelopesCoverTheInboxExactlyOnce() {
    Account recipient = randomAccount();
    List<EnvelopeId> sent = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Envelope envelope = envelope(recipient);
      sent.add(envelope.id());
      envelopeStore().store(envelope, NOW);
    }

    List<EnvelopeId> read = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    Optional<Cursor> after = Optional.empty();
    while (true) {
      InboxPage page = envelopeStore().read(recipient, after, 3, Long.MAX_VALUE);
      if (page.envelopes().isEmpty()) {
        assertThat(page.next()).isEqualTo(after);
        break;
      }
      pageSizes.add(page.envelopes().size());
      page.envelopes().forEach(e -> read.add(e.id()));
      after = page.next();
    }

    assertThat(read).containsExactlyElementsOf(sent);
    assertThat(pageSizes).containsExactly(3, 3, 3, 1);
  }

  @Test
  default void anEmptyPageAnswersWithTheCursorItWasAskedWith() {
    Account recipient = randomAccount();
    Cursor last = envelopeStore().store(envelope(recipient), NOW).cursor();

    InboxPage page = envelopeStore().read(recipient, Optional.of(last), 10, Long.MAX_VALUE);

    assertThat(page.envelopes()).isEmpty();
    assertThat(page.next()).contains(last);
  }

  @Test
  default void aPageStopsBeforeTheEnvelopeThatWouldTakeItOverMaxBytes() {
    Account recipient = randomAccount();
    List<Envelope> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Envelope envelope = envelope(recipient, 1000);
      sent.add(envelope);
      envelopeStore().store(envelope, NOW);
    }
    long two = sent.get(0).size() + sent.get(1).size();

    InboxPage justUnderThree =
        envelopeStore().read(recipient, Optional.empty(), 10, two + sent.get(2).size() - 1);
    InboxPage exactlyThree =
        envelopeStore().read(recipient, Optional.empty(), 10, two + sent.get(2).size());

    assertThat(justUnderThree.envelopes()).hasSize(2);
    assertThat(justUnderThree.next()).contains(justUnderThree.envelopes().get(1).cursor());
    assertThat(exactlyThree.envelopes()).hasSize(3);
  }

  @Test
  default void aPageHoldsOneEnvelopeEvenWhenItAloneExceedsMaxBytes() {
    Account recipient = randomAccount();
    Envelope big = envelope(recipient, 10_000);
    envelopeStore().store(big, NOW);
    envelopeStore().store(envelope(recipient), NOW);

    InboxPage page = envelopeStore().read(recipient, Optional.empty(), 10, 1);

    assertThat(page.envelopes()).extracting(StoredEnvelope::id).containsExactly(big.id());
  }

  @Test
  default void limitAndMaxBytesBothApply() {
    Account recipient = randomAccount();
    for (int i = 0; i < 5; i++) {
      envelopeStore().store(envelope(recipient, 100), NOW);
    }

    assertThat(envelopeStore().read(recipient, Optional.empty(), 2, 1_000_000).envelopes())
        .hasSize(2);
  }

  @Test
  default void inboxesAreIsolatedFromEachOther() {
    Account alice = randomAccount();
    Account bob = randomAccount();
    Envelope forAlice = envelope(alice);
    Cursor alicesCursor = envelopeStore().store(forAlice, NOW).cursor();
    envelopeStore().store(envelope(bob), NOW);
    envelopeStore().store(envelope(bob), NOW);

    InboxPage alices = envelopeStore().read(alice, Optional.empty(), 10, Long.MAX_VALUE);
    InboxPage bobsAfterAlicesCursor =
        envelopeStore().read(bob, Optional.of(alicesCursor), 10, Long.MAX_VALUE);

    assertThat(alices.envelopes()).extracting(StoredEnvelope::id).containsExactly(forAlice.id());
    assertThat(alices.envelopes()).extracting(StoredEnvelope::recipient).containsOnly(alice);
    assertThat(bobsAfterAlicesCursor.envelopes())
        .hasSize(2)
        .extracting(StoredEnvelope::recipient)
        .containsOnly(bob);
    assertThat(envelopeStore().count(alice)).isEqualTo(1);
    assertThat(envelopeStore().count(bob)).isEqualTo(2);
  }

  @Test
  default void bodiesComeBackByteForByteWithTheirIdAndReceiptTime() throws MalformedException {
    Account recipient = randomAccount();
    Envelope small = envelope(recipient, 16);
    Envelope large = envelope(recipient, 1 << 20);
    Instant receivedAt = Instant.parse("2026-11-24T10:00:01.123456Z");
    Cursor smallCursor = envelopeStore().store(small, receivedAt).cursor();
    envelopeStore().store(large, receivedAt.plusSeconds(1));

    List<StoredEnvelope> read =
        envelopeStore().read(recipient, Optional.empty(), 10, Long.MAX_VALUE).envelopes();

    assertThat(read).hasSize(2);
    StoredEnvelope first = read.get(0);
    assertThat(first.cursor()).isEqualTo(smallCursor);
    assertThat(first.recipient()).isEqualTo(recipient);
    assertThat(first.id()).isEqualTo(small.id());
    assertThat(first.receivedAt()).isEqualTo(receivedAt);
    assertThat(first.body()).isEqualTo(small.toByteArray());
    assertThat(read.get(1).body()).isEqualTo(large.toByteArray());
    assertThat(Envelope.parse(read.get(1).body()).id()).isEqualTo(large.id());
  }

  @Test
  default void receiptTimesAreKeptToTheMicrosecond() {
    Account recipient = randomAccount();
    Instant receivedAt = Instant.parse("2026-11-24T10:00:01.123456789Z");
    envelopeStore().store(envelope(recipient), receivedAt);

    StoredEnvelope stored =
        envelopeStore().read(recipient, Optional.empty(), 1, Long.MAX_VALUE).envelopes().get(0);

    assertThat(stored.receivedAt()).isEqualTo(receivedAt.truncatedTo(ChronoUnit.MICROS));
  }

  @Test
  default void aReaderResumingAfterItsCursorMissesNothingStoredWhileItReads() throws Exception {
    // Writers race to commit; a reader that resumes after the newest cursor it saw must still get
    // every envelope, i.e. no envelope may become visible behind a cursor already handed out.
    int writers = 6;
    int perWriter = 40;
    Account recipient = randomAccount();
    Set<EnvelopeId> written = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<Void>> done = new ArrayList<>();
    try {
      for (int w = 0; w < writers; w++) {
        Callable<Void> writer =
            () -> {
              for (int i = 0; i < perWriter; i++) {
                Envelope envelope = envelope(recipient);
                envelopeStore().store(envelope, NOW);
                written.add(envelope.id());
              }
              return null;
            };
        done.add(pool.submit(writer));
      }
      List<EnvelopeId> seen = new ArrayList<>();
      Optional<Cursor> after = Optional.empty();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!done.stream().allMatch(Future::isDone) && System.nanoTime() < deadline) {
        InboxPage page = envelopeStore().read(recipient, after, 5, Long.MAX_VALUE);
        page.envelopes().forEach(e -> seen.add(e.id()));
        after = page.next();
      }
      for (Future<Void> writer : done) {
        writer.get(30, TimeUnit.SECONDS);
      }
      InboxPage rest;
      do {
        rest = envelopeStore().read(recipient, after, 50, Long.MAX_VALUE);
        rest.envelopes().forEach(e -> seen.add(e.id()));
        after = rest.next();
      } while (!rest.envelopes().isEmpty());

      assertThat(seen).doesNotHaveDuplicates();
      assertThat(new HashSet<>(seen)).isEqualTo(written);
      assertThat(seen).hasSize(writers * perWriter);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  default void readRefusesANonPositiveLimitOrMaxBytes() {
    Account recipient = randomAccount();

    assertThatThrownBy(() -> envelopeStore().read(recipient, Optional.empty(), 0, 1000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit");
    assertThatThrownBy(() -> envelopeStore().read(recipient, Optional.empty(), 10, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBytes");
  }
}
