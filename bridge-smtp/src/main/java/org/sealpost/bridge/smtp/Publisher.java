package org.sealpost.bridge.smtp;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import org.sealpost.client.ApiException;
import org.sealpost.client.InstallationSession;
import org.sealpost.identity.Domain;
import org.sealpost.identity.envelope.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes envelopes through the client API ({@code POST /v1/envelopes}, PROTOCOL.md §7) and
 * retries what may pass later: an unreachable server, a 5xx, a 429. A 202 means the envelope is
 * committed on the home server. Thread-safe; blocks through the retries.
 */
final class Publisher {
  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);

  /**
   * How hard to try: {@code attempts} in all, waiting {@code firstDelay} after the first failure
   * and doubling after each further one.
   */
  record Retry(int attempts, Duration firstDelay) {
    Retry {
      requireNonNull(firstDelay, "firstDelay");
      if (attempts < 1 || firstDelay.isNegative()) {
        throw new IllegalArgumentException(
            "retry: " + attempts + " attempts, " + firstDelay + " (expected: >= 1, >= 0)");
      }
    }
  }

  /** The outcome of publishing one envelope. */
  sealed interface Outcome {}

  /** Committed by the home server: {@code stored} here or {@code queued} for another home. */
  record Committed(String status) implements Outcome {}

  /** Not committed; {@code permanent} if retrying cannot help. */
  record Failed(boolean permanent, String reason) implements Outcome {}

  private final Retry retry;

  Publisher(Retry retry) {
    this.retry = requireNonNull(retry, "retry");
  }

  Outcome publish(InstallationSession session, Envelope envelope, Optional<Domain> home) {
    Duration delay = retry.firstDelay();
    for (int attempt = 1; ; attempt++) {
      try {
        return new Committed(session.publish(envelope, home).status());
      } catch (ApiException e) {
        boolean transientFailure = e.status() == 0 || e.status() == 429 || e.status() >= 500;
        String reason = describe(e);
        if (!transientFailure || attempt >= retry.attempts()) {
          LOG.warn(
              "envelope {} for {} not published after {} attempt(s): {}",
              envelope.id().hex(),
              envelope.recipient(),
              attempt,
              reason);
          return new Failed(!transientFailure, reason);
        }
        LOG.info(
            "envelope {} for {}: {}; retrying in {} ms",
            envelope.id().hex(),
            envelope.recipient(),
            reason,
            delay.toMillis());
        try {
          Thread.sleep(delay.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return new Failed(false, reason + " (interrupted while retrying)");
        }
        delay = delay.multipliedBy(2);
      }
    }
  }

  private static String describe(ApiException e) {
    if (e.status() == 0) {
      return "the home server could not be reached (" + e.getMessage() + ")";
    }
    String message =
        e.getMessage() == null || e.getMessage().isBlank() ? "" : ": " + e.getMessage();
    return "the home server refused it (" + e.status() + " " + e.code() + message + ")";
  }
}
