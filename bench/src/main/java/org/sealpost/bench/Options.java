package org.sealpost.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What to run. The defaults are the documented run (docs/performance.md). */
final class Options {
  static final String USAGE =
      """
      usage: bench/run.sh [options]
        --databases h2,postgres        databases to run on (default: both)
        --sizes 1000,10000,100000,1000000
                                       preloaded inbox sizes (default: all four)
        --threads 8                    concurrent client threads
        --publishes 4000               measured publishes per size, after --publish-warmup 400
        --reads 3000                   measured reads per page kind, after --read-warmup 300 of each
        --page 100                     inbox page size (the limit parameter)
        --mime-bytes 2048              size of each published message before sealing
        --preload-mime-bytes 512       size of the preloaded message before sealing
        --other-recipients 10          other inboxes whose rows the preload interleaves
        --warmup-seconds 150           unreported runs (inbox of 1,000) on each database first
        --out bench/results            where <date>-server.md is written (appended to)
      """;

  List<String> databases = List.of("h2", "postgres");
  List<Long> sizes = List.of(1_000L, 10_000L, 100_000L, 1_000_000L);
  int threads = 8;
  int publishWarmup = 400;
  int publishes = 4_000;
  int readWarmup = 300;
  int reads = 3_000;
  int pageSize = 100;
  int mimeBytes = 2_048;
  int preloadMimeBytes = 512;
  int otherRecipients = 10;
  int warmupSeconds = 150;
  Path out = Path.of("bench", "results");

  /**
   * Parses {@code --name value} pairs over the defaults.
   *
   * @throws IllegalArgumentException naming the option and what was expected
   */
  static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + ": missing value");
      }
      String value = args[i + 1];
      switch (name) {
        case "--databases" -> o.databases = databases(value);
        case "--sizes" -> o.sizes = sizes(value);
        case "--threads" -> o.threads = atLeast(1, name, value);
        case "--publish-warmup" -> o.publishWarmup = atLeast(0, name, value);
        case "--publishes" -> o.publishes = atLeast(1, name, value);
        case "--read-warmup" -> o.readWarmup = atLeast(0, name, value);
        case "--reads" -> o.reads = atLeast(1, name, value);
        case "--page" -> o.pageSize = atLeast(1, name, value);
        case "--mime-bytes" -> o.mimeBytes = atLeast(1, name, value);
        case "--preload-mime-bytes" -> o.preloadMimeBytes = atLeast(1, name, value);
        case "--other-recipients" -> o.otherRecipients = atLeast(1, name, value);
        case "--warmup-seconds" -> o.warmupSeconds = atLeast(0, name, value);
        case "--out" -> o.out = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    return o;
  }

  private static List<String> databases(String value) {
    List<String> result = new ArrayList<>();
    for (String name : value.split(",")) {
      String db = name.strip().toLowerCase(Locale.ROOT);
      if (!BenchDatabase.NAMES.contains(db)) {
        throw new IllegalArgumentException(
            "--databases: '"
                + name
                + "' (expected: "
                + String.join(" or ", BenchDatabase.NAMES)
                + ")");
      }
      result.add(db);
    }
    return List.copyOf(result);
  }

  private static List<Long> sizes(String value) {
    List<Long> result = new ArrayList<>();
    for (String size : value.split(",")) {
      try {
        long n = Long.parseLong(size.strip().replace("_", ""));
        if (n >= 1) {
          result.add(n);
          continue;
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
      throw new IllegalArgumentException("--sizes: '" + size + "' (expected: a count >= 1)");
    }
    return List.copyOf(result);
  }

  private static int atLeast(int min, String name, String value) {
    try {
      int n = Integer.parseInt(value.strip().replace("_", ""));
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(
        name + ": '" + value + "' (expected: a whole number >= " + min + ")");
  }

  /** The options as flags, for the report. */
  String describe() {
    return "--databases "
        + String.join(",", databases)
        + " --sizes "
        + String.join(",", sizes.stream().map(String::valueOf).toList())
        + " --threads "
        + threads
        + " --publish-warmup "
        + publishWarmup
        + " --publishes "
        + publishes
        + " --read-warmup "
        + readWarmup
        + " --reads "
        + reads
        + " --page "
        + pageSize
        + " --mime-bytes "
        + mimeBytes
        + " --preload-mime-bytes "
        + preloadMimeBytes
        + " --other-recipients "
        + otherRecipients
        + " --warmup-seconds "
        + warmupSeconds;
  }
}
