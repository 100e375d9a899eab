package org.sealpost.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a numbered request a fixed number of times from a fixed number of threads, each thread
 * taking the next number as soon as its previous request returned (closed loop: the load is as much
 * as the threads can push, and latency includes any queueing inside the server).
 */
final class LoadRunner {
  private LoadRunner() {}

  /** One request; {@code i} numbers it from 0, e.g. to pick a pre-sealed envelope. */
  interface Request {
    void run(int i) throws Exception;
  }

  /** Latencies of every request, sorted, and the wall time from the first start to the last end. */
  record Result(long[] sortedNanos, long wallNanos) {
    double perSecond() {
      return sortedNanos.length / (wallNanos / 1e9);
    }

    /**
     * The nearest-rank percentile in milliseconds: exact over the recorded latencies, which are few
     * enough (thousands) to keep and sort, so no histogram's bucketing error.
     */
    double millis(double percentile) {
      int rank = (int) Math.ceil(percentile / 100 * sortedNanos.length);
      return sortedNanos[Math.max(0, rank - 1)] / 1e6;
    }
  }

  /**
   * Runs {@code warmup} unrecorded requests (numbered from 0), then {@code count} recorded ones
   * (numbered on from {@code warmup}), so the JIT, the connection pools and the database's caches
   * are warm when recording starts.
   *
   * @throws Exception the first failure of any request; the benchmark stops rather than report
   *     numbers that include errors
   */
  static Result run(int threads, int warmup, int count, Request request) throws Exception {
    if (warmup > 0) {
      measure(threads, 0, warmup, request);
    }
    return measure(threads, warmup, count, request);
  }

  private static Result measure(int threads, int first, int count, Request request)
      throws Exception {
    long[] nanos = new long[count];
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long start = System.nanoTime();
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    long begin = System.nanoTime();
                    request.run(first + i);
                    nanos[i] = System.nanoTime() - begin;
                  }
                  return null;
                }));
      }
      for (Future<?> worker : workers) {
        try {
          worker.get();
        } catch (ExecutionException e) {
          next.set(count); // stop the other threads at their next request
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
      long wall = System.nanoTime() - start;
      Arrays.sort(nanos);
      return new Result(nanos, wall);
    } finally {
      pool.shutdownNow();
    }
  }
}
