package org.sealpost.bridge.smtp;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.sealpost.identity.Account;

/**
 * How many messages each account may submit: a token bucket per account, {@code burst} tokens deep,
 * refilled at {@code perMinute} tokens a minute; one message takes one token. Kept in memory.
 * Thread-safe.
 */
final class SendRate {
  /** The limit, as configured. */
  record Limit(double perMinute, int burst) {
    Limit {
      if (!(perMinute > 0) || burst < 1) {
        throw new IllegalArgumentException(
            "send rate: " + perMinute + "/min, burst " + burst + " (expected: > 0, >= 1)");
      }
    }
  }

  private static final class Bucket {
    double tokens;
    long refilledAtNanos;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.refilledAtNanos = now;
    }
  }

  private final Limit limit;
  private final Clock clock;
  private final Map<Account, Bucket> buckets = new ConcurrentHashMap<>();

  SendRate(Limit limit, Clock clock) {
    this.limit = requireNonNull(limit, "limit");
    this.clock = requireNonNull(clock, "clock");
  }

  /** Takes a token for {@code account}; if there is none, how long until there is one. */
  Optional<Duration> take(Account account) {
    long now = clock.millis() * 1_000_000L;
    Bucket bucket = buckets.computeIfAbsent(account, any -> new Bucket(limit.burst(), now));
    synchronized (bucket) {
      double perNano = limit.perMinute() / 60e9;
      bucket.tokens =
          Math.min(limit.burst(), bucket.tokens + (now - bucket.refilledAtNanos) * perNano);
      bucket.refilledAtNanos = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return Optional.empty();
      }
      return Optional.of(Duration.ofNanos((long) Math.ceil((1 - bucket.tokens) / perNano)));
    }
  }

  Limit limit() {
    return limit;
  }
}
