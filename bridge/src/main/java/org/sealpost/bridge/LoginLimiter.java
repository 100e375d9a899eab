package org.sealpost.bridge;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed logins per key (a login name and the client's address), in memory, shared by the IMAP and
 * SMTP bridges: after {@link #SLOW_AFTER} failures each further attempt waits a second; after
 * {@link #REFUSE_AFTER} the key is refused outright until {@link #WINDOW} has passed without
 * failures. A success clears the count. Thread-safe.
 */
public final class LoginLimiter {
  public static final int SLOW_AFTER = 3;
  public static final int REFUSE_AFTER = 8;
  public static final Duration WINDOW = Duration.ofMinutes(15);

  private record Failures(int count, Instant last) {}

  private final Map<String, Failures> failures = new ConcurrentHashMap<>();
  private final Clock clock;

  public LoginLimiter(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  /** Whether to refuse without even checking the password. */
  public boolean refused(String key) {
    return current(key) >= REFUSE_AFTER;
  }

  /** How long to hold the answer to an attempt of {@code key}. */
  public Duration delay(String key) {
    return current(key) >= SLOW_AFTER ? Duration.ofSeconds(1) : Duration.ZERO;
  }

  public void failed(String key) {
    Instant now = clock.instant();
    failures.merge(
        key,
        new Failures(1, now),
        (old, one) ->
            old.last().plus(WINDOW).isBefore(now) ? one : new Failures(old.count() + 1, now));
  }

  public void succeeded(String key) {
    failures.remove(key);
  }

  private int current(String key) {
    Failures f = failures.get(key);
    if (f == null) {
      return 0;
    }
    if (f.last().plus(WINDOW).isBefore(clock.instant())) {
      failures.remove(key, f);
      return 0;
    }
    return f.count();
  }
}
