package org.sealpost.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.server.store.StoreFixtures.NOW;
import static org.sealpost.server.store.StoreFixtures.envelope;
import static org.sealpost.server.store.StoreFixtures.randomAccount;
import static org.sealpost.server.store.StoreFixtures.randomDomain;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.identity.envelope.EnvelopeId;

/**
 * What every {@link OutboundQueue} owes. Tests may share one queue and its data: each test uses
 * destinations and accounts of its own.
 */
public interface OutboundQueueContract {

  /** The queue under test. May be called more than once per test; must be the same data. */
  OutboundQueue outboundQueue();

  @Test
  default void anEnqueuedEnvelopeIsPending() {
    Domain destination = randomDomain();

    boolean added = outboundQueue().enqueue(destination, envelope(randomAccount()), NOW);

    assertThat(added).isTrue();
    assertThat(outboundQueue().pending(destination)).isEqualTo(1);
  }

  @Test
  default void aDestinationWithNothingQueuedHasNothingPending() {
    assertThat(outboundQueue().pending(randomDomain())).isZero();
  }

  @Test
  default void enqueuingTheSameEnvelopeTwiceQueuesItOnce() {
    Domain destination = randomDomain();
    Envelope envelope = envelope(randomAccount());
    outboundQueue().enqueue(destination, envelope, NOW);

    boolean addedAgain = outboundQueue().enqueue(destination, envelope, NOW.plusSeconds(30));

    assertThat(addedAgain).isFalse();
    assertThat(outboundQueue().pending(destination)).isEqualTo(1);
  }

  @Test
  default void theSameIdForAnotherRecipientIsQueuedToo() {
    Domain destination = randomDomain();
    EnvelopeId id = EnvelopeId.of(StoreFixtures.randomBytes(EnvelopeId.LENGTH));

    boolean first = outboundQueue().enqueue(destination, envelope(randomAccount(), id, 64), NOW);
    boolean second = outboundQueue().enqueue(destination, envelope(randomAccount(), id, 64), NOW);

    assertThat(first).isTrue();
    assertThat(second).isTrue();
    assertThat(outboundQueue().pending(destination)).isEqualTo(2);
  }

  @Test
  default void pendingCountsOnlyItsDestination() {
    Domain north = randomDomain();
    Domain south = randomDomain();
    Account recipient = randomAccount();
    outboundQueue().enqueue(north, envelope(recipient), NOW);
    outboundQueue().enqueue(north, envelope(recipient), NOW);
    outboundQueue().enqueue(south, envelope(randomAccount()), NOW);

    assertThat(outboundQueue().pending(north)).isEqualTo(2);
    assertThat(outboundQueue().pending(south)).isEqualTo(1);
  }

  @Test
  default void concurrentEnqueuesOfOneEnvelopeQueueItOnce() throws Exception {
    int threads = 8;
    Domain destination = randomDomain();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 5; round++) {
        Envelope envelope = envelope(randomAccount());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return outboundQueue().enqueue(destination, envelope, NOW);
                  }));
        }
        start.countDown();
        List<Boolean> added = new ArrayList<>();
        for (Future<Boolean> result : results) {
          added.add(result.get(30, TimeUnit.SECONDS));
        }

        assertThat(added).containsOnlyOnce(true);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(outboundQueue().pending(destination)).isEqualTo(5);
  }
}
