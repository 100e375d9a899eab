package org.sealpost.bench.imap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Latencies of every command of one concurrency level, by command name, with each phase's wall
 * time: throughput is commands completed in a phase divided by the phase's duration. Every latency
 * is kept (tens of thousands at most), so percentiles are exact nearest-rank values.
 */
final class Timings {
  /** One command's record within one phase. */
  static final class Command {
    private final List<Long> nanos = new ArrayList<>();
    private int errors;
    private String firstError;
    private long wallNanos;

    synchronized void ok(long elapsed) {
      nanos.add(elapsed);
    }

    synchronized void error(String what) {
      errors++;
      if (firstError == null) {
        firstError = what;
      }
    }

    synchronized int count() {
      return nanos.size();
    }

    synchronized int errors() {
      return errors;
    }

    synchronized String firstError() {
      return firstError;
    }

    /** Commands per second over the phase; NaN for commands not run against a clock (IDLE). */
    synchronized double perSecond() {
      return wallNanos == 0 ? Double.NaN : nanos.size() / (wallNanos / 1e9);
    }

    synchronized double millis(double percentile) {
      if (nanos.isEmpty()) {
        return Double.NaN;
      }
      long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
      int rank = (int) Math.ceil(percentile / 100 * sorted.length);
      return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    /** Adds this record's latencies and errors to {@code into}. */
    void copyTo(Command into) {
      List<Long> latencies;
      int errorCount;
      String first;
      synchronized (this) {
        latencies = new ArrayList<>(nanos);
        errorCount = errors;
        first = firstError;
      }
      synchronized (into) {
        into.nanos.addAll(latencies);
        into.errors += errorCount;
        if (into.firstError == null) {
          into.firstError = first;
        }
      }
    }

    synchronized void wall(long nanos) {
      wallNanos = nanos;
    }
  }

  private final Map<String, Command> commands = new LinkedHashMap<>();

  synchronized Command command(String name) {
    return commands.computeIfAbsent(name, any -> new Command());
  }

  synchronized Map<String, Command> all() {
    return new LinkedHashMap<>(commands);
  }

  /** Formats a number of milliseconds for a table: NaN as a dash. */
  static String ms(double millis) {
    if (Double.isNaN(millis)) {
      return "–";
    }
    return String.format(
        Locale.ROOT, millis < 10 ? "%.2f" : millis < 100 ? "%.1f" : "%.0f", millis);
  }
}
