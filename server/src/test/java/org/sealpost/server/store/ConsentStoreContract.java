package org.sealpost.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.server.store.StoreFixtures.NOW;
import static org.sealpost.server.store.StoreFixtures.consent;
import static org.sealpost.server.store.StoreFixtures.randomAccount;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sealpost.identity.Account;
import org.sealpost.server.store.ConsentRecord.Kind;
import org.sealpost.server.store.ConsentRecord.State;

/**
 * What every {@link ConsentStore} owes. Tests may share one store and its data: each test uses
 * accounts of its own.
 */
public interface ConsentStoreContract {

  /** The store under test. May be called more than once per test; must be the same data. */
  ConsentStore consentStore();

  /** Records hold arrays: equal means equal field by field, arrays by content. */
  private static void assertRecord(Optional<ConsentRecord> actual, ConsentRecord expected) {
    assertThat(actual).isPresent();
    assertThat(actual.get()).usingRecursiveComparison().isEqualTo(expected);
  }

  @Test
  default void aPutRecordCanBeFoundWithEveryField() {
    Account account = randomAccount();
    ConsentRecord record =
        consent(account, Kind.SENDER, randomAccount().canonical(), State.ALLOW, NOW);

    ConsentRecord inForce = consentStore().put(record);

    assertThat(inForce).usingRecursiveComparison().isEqualTo(record);
    assertRecord(consentStore().find(account, Kind.SENDER, record.subject()), record);
  }

  @Test
  default void anUndecidedSubjectIsNotFound() {
    assertThat(consentStore().find(randomAccount(), Kind.DOMAIN, "example.org")).isEmpty();
  }

  @Test
  default void aLaterDecisionReplacesTheStoredOne() {
    Account account = randomAccount();
    consentStore().put(consent(account, Kind.DOMAIN, "spam.example", State.ALLOW, NOW));
    ConsentRecord later =
        consent(account, Kind.DOMAIN, "spam.example", State.DENY, NOW.plusSeconds(1));

    ConsentRecord inForce = consentStore().put(later);

    assertThat(inForce).usingRecursiveComparison().isEqualTo(later);
    assertRecord(consentStore().find(account, Kind.DOMAIN, "spam.example"), later);
    assertThat(consentStore().list(account)).hasSize(1);
  }

  @Test
  default void anEarlierDecisionChangesNothingAndTheStoredOneIsReturned() {
    Account account = randomAccount();
    ConsentRecord stored =
        consent(account, Kind.DOMAIN, "news.example", State.DENY, NOW.plusSeconds(10));
    consentStore().put(stored);

    ConsentRecord inForce =
        consentStore().put(consent(account, Kind.DOMAIN, "news.example", State.ALLOW, NOW));

    assertThat(inForce).usingRecursiveComparison().isEqualTo(stored);
    assertRecord(consentStore().find(account, Kind.DOMAIN, "news.example"), stored);
  }

  @Test
  default void aDecisionAsOldAsTheStoredOneReplacesIt() {
    Account account = randomAccount();
    consentStore().put(consent(account, Kind.DOMAIN, "news.example", State.DENY, NOW));
    ConsentRecord sameTime = consent(account, Kind.DOMAIN, "news.example", State.ALLOW, NOW);

    ConsentRecord inForce = consentStore().put(sameTime);

    assertThat(inForce).usingRecursiveComparison().isEqualTo(sameTime);
  }

  @Test
  default void decisionsAboutASenderAndADomainAreKeptApart() {
    Account account = randomAccount();
    String sender = randomAccount().canonical();
    ConsentRecord allowSender = consent(account, Kind.SENDER, sender, State.ALLOW, NOW);
    ConsentRecord denyDomain = consent(account, Kind.DOMAIN, "example.org", State.DENY, NOW);

    consentStore().put(allowSender);
    consentStore().put(denyDomain);

    assertRecord(consentStore().find(account, Kind.SENDER, sender), allowSender);
    assertRecord(consentStore().find(account, Kind.DOMAIN, "example.org"), denyDomain);
    assertThat(consentStore().find(account, Kind.DOMAIN, sender)).isEmpty();
  }

  @Test
  default void listGivesSendersThenDomainsEachBySubject() {
    Account account = randomAccount();
    List<ConsentRecord> records = new ArrayList<>();
    for (String domain : List.of("b.example", "a-z.example", "az.example", "a.example")) {
      records.add(consent(account, Kind.DOMAIN, domain, State.DENY, NOW));
    }
    for (int i = 0; i < 4; i++) {
      records.add(consent(account, Kind.SENDER, randomAccount().canonical(), State.ALLOW, NOW));
    }
    Collections.shuffle(records);
    records.forEach(consentStore()::put);
    consentStore().put(consent(randomAccount(), Kind.DOMAIN, "a.example", State.ALLOW, NOW));

    List<ConsentRecord> listed = consentStore().list(account);

    List<String> senders =
        records.stream()
            .filter(r -> r.kind() == Kind.SENDER)
            .map(ConsentRecord::subject)
            .sorted()
            .toList();
    List<String> expected = new ArrayList<>(senders);
    expected.addAll(List.of("a-z.example", "a.example", "az.example", "b.example"));
    assertThat(listed).extracting(ConsentRecord::subject).containsExactlyElementsOf(expected);
    assertThat(listed).extracting(ConsentRecord::account).containsOnly(account);
  }

  @Test
  default void anAccountWithoutDecisionsListsNothing() {
    assertThat(consentStore().list(randomAccount())).isEmpty();
  }

  @Test
  default void concurrentDecisionsLeaveTheLatestInForce() throws Exception {
    int threads = 8;
    Account account = randomAccount();
    List<ConsentRecord> decisions = new ArrayList<>();
    for (int i = 0; i < threads * 4; i++) {
      decisions.add(
          consent(
              account,
              Kind.SENDER,
              "0x" + "ab".repeat(20),
              i % 2 == 0 ? State.ALLOW : State.DENY,
              NOW.plusSeconds(i)));
    }
    ConsentRecord latest = decisions.get(decisions.size() - 1);
    Collections.shuffle(decisions);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<ConsentRecord>> results = new ArrayList<>();
      for (ConsentRecord decision : decisions) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return consentStore().put(decision);
                }));
      }
      start.countDown();
      for (Future<ConsentRecord> result : results) {
        Instant inForce = result.get(30, TimeUnit.SECONDS).decidedAt();
        assertThat(inForce).isAfterOrEqualTo(NOW);
      }
    } finally {
      pool.shutdownNow();
    }

    assertRecord(consentStore().find(account, Kind.SENDER, latest.subject()), latest);
  }
}
