package org.sealpost.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.server.store.StoreFixtures.NOW;
import static org.sealpost.server.store.StoreFixtures.bundle;
import static org.sealpost.server.store.StoreFixtures.randomInstallation;
import static org.sealpost.server.store.StoreFixtures.randomWallet;
import static org.sealpost.server.store.StoreFixtures.revocation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.Revocation;
import org.sealpost.identity.testing.Fixtures;
import org.sealpost.identity.wallet.WalletKey;

/**
 * What every {@link BundleDirectory} owes. Tests may share one directory and its data: each test
 * uses wallets and installations of its own.
 */
public interface BundleDirectoryContract {

  /** The directory under test. May be called more than once per test; must be the same data. */
  BundleDirectory bundleDirectory();

  @Test
  default void anAddedBundleCanBeFoundAsItWasPublished() {
    Bundle bundle = bundle(randomWallet(), NOW);

    boolean added = bundleDirectory().add(bundle, NOW.plusSeconds(5));

    assertThat(added).isTrue();
    assertThat(bundleDirectory().find(bundle.installation())).contains(bundle);
    assertThat(bundle.walletSignature().recoverSigner(bundle.statement().text()))
        .contains(bundle.account());
  }

  @Test
  default void anUnknownInstallationIsNotFound() {
    assertThat(bundleDirectory().find(randomInstallation())).isEmpty();
  }

  @Test
  default void addingTheSameBundleTwiceAddsItOnce() {
    Bundle bundle = bundle(randomWallet(), NOW);
    bundleDirectory().add(bundle, NOW);

    boolean addedAgain = bundleDirectory().add(bundle, NOW.plusSeconds(60));

    assertThat(addedAgain).isFalse();
    assertThat(bundleDirectory().bundlesOf(bundle.account())).containsExactly(bundle);
  }

  @Test
  default void aRelinkThatExpiresLaterRenewsTheBundle() {
    WalletKey wallet = randomWallet();
    InstallationKeys keys = InstallationKeys.generate(Fixtures.RANDOM);
    Bundle first = bundle(wallet, keys, NOW);
    Bundle renewed = bundle(wallet, keys, NOW.plus(Duration.ofDays(1)));
    bundleDirectory().add(first, NOW);

    boolean added = bundleDirectory().add(renewed, NOW.plus(Duration.ofDays(1)));

    assertThat(added).isTrue();
    assertThat(bundleDirectory().find(keys.id())).contains(renewed);
    assertThat(bundleDirectory().bundlesOf(wallet.account())).containsExactly(renewed);
  }

  @Test
  default void aBundleThatExpiresNoLaterOrNamesAnotherAccountChangesNothing() {
    WalletKey wallet = randomWallet();
    InstallationKeys keys = InstallationKeys.generate(Fixtures.RANDOM);
    Bundle current = bundle(wallet, keys, NOW.plus(Duration.ofDays(1)));
    Bundle older = bundle(wallet, keys, NOW);
    Bundle claimedByAnother = bundle(randomWallet(), keys, NOW.plus(Duration.ofDays(2)));
    bundleDirectory().add(current, NOW);

    assertThat(bundleDirectory().add(older, NOW)).isFalse();
    assertThat(bundleDirectory().add(claimedByAnother, NOW)).isFalse();
    assertThat(bundleDirectory().find(keys.id())).contains(current);
  }

  @Test
  default void bundlesOfListsEveryBundleOfTheAccountOldestFirst() {
    WalletKey wallet = randomWallet();
    Bundle middle = bundle(wallet, NOW.minus(Duration.ofDays(10)));
    Bundle newest = bundle(wallet, NOW);
    Bundle expired =
        Fixtures.link(
            wallet,
            InstallationKeys.generate(Fixtures.RANDOM),
            "example.org",
            NOW.minus(Duration.ofDays(400)),
            NOW.minus(Duration.ofDays(35)));
    bundleDirectory().add(middle, NOW);
    bundleDirectory().add(newest, NOW);
    bundleDirectory().add(expired, NOW);
    bundleDirectory().add(bundle(randomWallet(), NOW.minus(Duration.ofDays(20))), NOW);

    assertThat(bundleDirectory().bundlesOf(wallet.account()))
        .containsExactly(expired, middle, newest);
  }

  @Test
  default void anAccountWithoutBundlesHasAnEmptyList() {
    WalletKey wallet = randomWallet();

    assertThat(bundleDirectory().bundlesOf(wallet.account())).isEmpty();
    assertThat(bundleDirectory().revocationsOf(wallet.account())).isEmpty();
  }

  @Test
  default void concurrentAddsOfOneBundleAddItOnce() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 5; round++) {
        Bundle bundle = bundle(randomWallet(), NOW);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return bundleDirectory().add(bundle, NOW);
                  }));
        }
        start.countDown();
        List<Boolean> added = new ArrayList<>();
        for (Future<Boolean> result : results) {
          added.add(result.get(30, TimeUnit.SECONDS));
        }

        assertThat(added).containsOnlyOnce(true);
        assertThat(bundleDirectory().bundlesOf(bundle.account())).containsExactly(bundle);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  default void anAddedRevocationIsListedForItsAccount() {
    WalletKey wallet = randomWallet();
    Bundle bundle = bundle(wallet, NOW);
    bundleDirectory().add(bundle, NOW);
    Revocation revocation = revocation(wallet, bundle.installation(), NOW.plusSeconds(3600));

    boolean added = bundleDirectory().addRevocation(revocation, NOW.plusSeconds(3601));

    assertThat(added).isTrue();
    assertThat(bundleDirectory().revocationsOf(wallet.account())).containsExactly(revocation);
    assertThat(revocation.walletSignature().recoverSigner(revocation.statement().text()))
        .contains(wallet.account());
  }

  @Test
  default void aRevokedInstallationKeepsItsBundle() {
    WalletKey wallet = randomWallet();
    Bundle bundle = bundle(wallet, NOW);
    bundleDirectory().add(bundle, NOW);

    bundleDirectory().addRevocation(revocation(wallet, bundle.installation(), NOW), NOW);

    assertThat(bundleDirectory().find(bundle.installation())).contains(bundle);
    assertThat(bundleDirectory().bundlesOf(wallet.account())).containsExactly(bundle);
  }

  @Test
  default void theEarliestRevocationOfAnInstallationWins() {
    WalletKey wallet = randomWallet();
    Bundle bundle = bundle(wallet, NOW);
    Revocation planned = revocation(wallet, bundle.installation(), NOW.plusSeconds(20));
    Revocation sooner = revocation(wallet, bundle.installation(), NOW.plusSeconds(10));
    bundleDirectory().addRevocation(planned, NOW);

    boolean addedAgain = bundleDirectory().addRevocation(planned, NOW);
    boolean addedSooner = bundleDirectory().addRevocation(sooner, NOW);
    boolean addedLater = bundleDirectory().addRevocation(planned, NOW);

    assertThat(addedAgain).isFalse();
    assertThat(addedSooner).isTrue();
    assertThat(addedLater).isFalse();
    assertThat(bundleDirectory().revocationsOf(wallet.account())).containsExactly(sooner);
  }

  @Test
  default void revocationsOfListsOnlyThatAccountsRevocations() {
    WalletKey alice = randomWallet();
    WalletKey bob = randomWallet();
    Revocation alices = revocation(alice, randomInstallation(), NOW.plusSeconds(20));
    Revocation alicesEarlier = revocation(alice, randomInstallation(), NOW.plusSeconds(10));
    bundleDirectory().addRevocation(alices, NOW);
    bundleDirectory().addRevocation(alicesEarlier, NOW);
    bundleDirectory().addRevocation(revocation(bob, randomInstallation(), NOW), NOW);

    assertThat(bundleDirectory().revocationsOf(alice.account()))
        .containsExactly(alicesEarlier, alices);
  }
}
