package org.sealpost.bridge.imap;

import java.time.Duration;
import java.util.Optional;
import org.sealpost.client.InboxEntry;
import org.sealpost.client.InstallationSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one account's inbox on the home server (server-sent events), from where the last run
 * stopped, and hands every envelope to the placer in order. After each envelope its cursor is
 * recorded (in the database, by the caller), so a restart resumes there; on any failure it
 * reconnects after a back-off with the last cursor seen, so nothing is skipped. An envelope placed
 * but whose cursor was not recorded comes again, and placement skips envelopes it already holds.
 */
final class InboxSync implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InboxSync.class);

  interface Placer {
    void place(InboxEntry entry) throws Exception;
  }

  /** Records the cursor after an envelope handled. */
  interface Progress {
    void reached(String cursor) throws Exception;
  }

  private final String name;
  private final InstallationSession session;
  private final Placer placer;
  private final Progress progress;
  private final Thread thread;
  private volatile boolean closed;
  private volatile Optional<String> cursor;

  InboxSync(
      String name,
      InstallationSession session,
      Optional<String> from,
      Placer placer,
      Progress progress) {
    this.name = name;
    this.session = session;
    this.cursor = from;
    this.placer = placer;
    this.progress = progress;
    this.thread = new Thread(this::run, "sealpost-imap-sync-" + name);
    this.thread.setDaemon(true);
  }

  InboxSync start() {
    thread.start();
    return this;
  }

  private void run() {
    Duration backoff = Duration.ofMillis(250);
    while (!closed) {
      try {
        session.stream(
            cursor,
            entry -> {
              if (closed) {
                return false; // closed while the stream waited: the next run places it
              }
              try {
                placer.place(entry);
              } catch (Exception e) {
                LOG.warn("inbox of {}: envelope not placed: {}", name, e.toString());
              }
              cursor = Optional.of(entry.cursor());
              try {
                progress.reached(entry.cursor());
              } catch (Exception e) {
                LOG.warn("inbox of {}: position not recorded: {}", name, e.toString());
              }
              return !closed;
            });
        backoff = Duration.ofMillis(250);
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.warn("inbox stream of {} failed, retrying in {} ms: {}", name, backoff.toMillis(), e);
      }
      try {
        Thread.sleep(backoff.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      backoff =
          backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0
              ? Duration.ofSeconds(30)
              : backoff.multipliedBy(2);
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      // Let a placement under way finish before the database closes under it.
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
