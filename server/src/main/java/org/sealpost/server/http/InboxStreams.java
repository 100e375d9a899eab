package org.sealpost.server.http;

import static java.util.Objects.requireNonNull;

import io.javalin.http.sse.SseClient;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.sealpost.identity.Account;
import org.sealpost.server.inbox.InboxListener;
import org.sealpost.server.inbox.Inboxes;
import org.sealpost.server.store.Cursor;
import org.sealpost.server.store.InboxPage;
import org.sealpost.server.store.StoredEnvelope;

/**
 * Live inboxes over Server-Sent Events ({@code GET /v1/inbox/stream}). Each stream keeps its own
 * cursor and, whenever woken (on connect, and after each envelope stored for its account), reads
 * the store from that cursor on. Because every event comes from the store in order, a stream that
 * resumes from the last cursor it saw gets no gaps and no duplicates, however notifications race.
 */
final class InboxStreams implements InboxListener, AutoCloseable {
  private static final int PAGE = 100;
  private static final long PAGE_BYTES = 8L * 1024 * 1024;

  private final Inboxes inboxes;
  private final Metrics metrics;
  private final ConcurrentHashMap<Account, Set<Stream>> streams = new ConcurrentHashMap<>();
  private final ExecutorService pushers =
      Executors.newFixedThreadPool(4, daemon("sealpost-stream"));
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(daemon("sealpost-stream-heartbeat"));

  private final class Stream {
    final SseClient client;
    final Account account;
    volatile Optional<Cursor> cursor;
    final BooleanSupplier authorized;
    final AtomicBoolean running = new AtomicBoolean();
    final AtomicBoolean dirty = new AtomicBoolean();
    final AtomicBoolean ping = new AtomicBoolean();

    Stream(SseClient client, Account account, Optional<Cursor> cursor, BooleanSupplier authorized) {
      this.client = client;
      this.authorized = authorized;
      this.account = account;
      this.cursor = cursor;
    }

    void wake() {
      dirty.set(true);
      if (running.compareAndSet(false, true)) {
        pushers.execute(this::drain);
      }
    }

    private void drain() {
      do {
        dirty.set(false);
        try {
          pushAll();
        } catch (RuntimeException e) {
          client.close(); // a broken stream is closed; the client resumes from its last cursor
        } finally {
          running.set(false);
        }
      } while (dirty.get() && !client.terminated() && running.compareAndSet(false, true));
    }

    /**
     * A keep-alive goes through the same serialized drain as events, so writes never interleave.
     */
    void ping() {
      ping.set(true);
      wake();
    }

    private void pushAll() {
      if (ping.getAndSet(false)) {
        client.sendComment("keep-alive");
      }
      if (!authorized.getAsBoolean()) {
        client.close(); // revoked or expired since it connected
        return;
      }
      while (!client.terminated()) {
        InboxPage page = inboxes.read(account, cursor, PAGE, PAGE_BYTES);
        for (StoredEnvelope envelope : page.envelopes()) {
          client.sendData(ClientApi.inboxEntry(envelope), envelope.cursor().encode());
          cursor = Optional.of(envelope.cursor());
        }
        if (page.envelopes().size() < PAGE) {
          return;
        }
      }
    }
  }

  InboxStreams(Inboxes inboxes, Metrics metrics) {
    this.inboxes = requireNonNull(inboxes, "inboxes");
    this.metrics = requireNonNull(metrics, "metrics");
    heartbeats.scheduleWithFixedDelay(this::heartbeat, 15, 15, TimeUnit.SECONDS);
  }

  /**
   * Serves one stream until the client goes away, or {@code authorized} turns false (checked each
   * time the stream wakes).
   */
  void open(SseClient client, Account account, Optional<Cursor> after, BooleanSupplier authorized) {
    Stream stream = new Stream(client, account, after, authorized);
    streams.computeIfAbsent(account, a -> ConcurrentHashMap.newKeySet()).add(stream);
    metrics.streamOpened();
    client.onClose(
        () -> {
          streams.computeIfPresent(
              account, (a, set) -> set.remove(stream) && set.isEmpty() ? null : set);
          metrics.streamClosed();
        });
    client.keepAlive();
    stream.wake();
  }

  @Override
  public void envelopeStored(Account recipient) {
    Set<Stream> set = streams.get(recipient);
    if (set != null) {
      set.forEach(Stream::wake);
    }
  }

  private void heartbeat() {
    // A comment line keeps proxies from timing out idle streams and finds dead clients.
    streams.values().forEach(set -> set.forEach(Stream::ping));
  }

  @Override
  public void close() {
    heartbeats.shutdownNow();
    streams.values().forEach(set -> set.forEach(s -> s.client.close()));
    pushers.shutdown();
    try {
      pushers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
