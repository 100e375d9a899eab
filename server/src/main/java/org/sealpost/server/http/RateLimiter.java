package org.sealpost.server.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets per key (an installation, an IP address): {@code burst} requests at once, refilled
 * at {@code perSecond}. In memory, per server instance; idle buckets are dropped.
 */
final class RateLimiter {
  private final double perSecond;
  private final int burst;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long updated;

    Bucket(double tokens, long updated) {
      this.tokens = tokens;
      this.updated = updated;
    }
  }

  RateLimiter(double perSecond, int burst, LongSupplier nanoTime) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.nanoTime = nanoTime;
  }

  /** Takes a token for {@code key}; returns 0 if allowed, else the seconds until one is free. */
  long acquire(String key) {
    long now = nanoTime.getAsLong();
    if (buckets.size() > 100_000) {
      evictIdle(now);
    }
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
    synchronized (bucket) {
      bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updated) / 1e9 * perSecond);
      bucket.updated = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - bucket.tokens) / perSecond);
    }
  }

  private void evictIdle(long now) {
    long full = (long) (burst / perSecond * 1e9);
    buckets.entrySet().removeIf(e -> now - e.getValue().updated > full);
  }
}
