package org.sealpost.bench;

import java.nio.file.Path;

/**
 * The server benchmark: for each database and inbox size, a fresh home server with a preloaded
 * inbox, measured over HTTP with the project's own client (docs/performance.md). Run it with {@code
 * bench/run.sh}; {@code --help} lists the options.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    // Before any logger exists: the server, Hibernate, Flyway and PostgreSQL log at INFO, which
    // would bury the tables. Warnings still show.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.setProperty("org.jboss.logging.provider", "slf4j"); // Hibernate, else it logs to JUL
    // Each scenario's fresh server makes a new server key; its warning would repeat every time.
    System.setProperty("org.slf4j.simpleLogger.log.org.sealpost.server.HomeServer", "error");

    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.print(Options.USAGE);
      return;
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.print(Options.USAGE);
      System.exit(2);
      return;
    }

    Report report = new Report(options);
    System.out.println(report.machine());
    for (String name : options.databases) {
      try (BenchDatabase database = BenchDatabase.start(name)) {
        report.startDatabase(database.description());
        // Unreported scenarios first, for as long as the JIT needs: on two busy cores its compiler
        // threads get little CPU, and throughput was seen still climbing for about two minutes
        // (fourfold from the first scenario to the fifth). Without this the first sizes measured
        // would look slower than the later ones for no reason of their own.
        long warmUntil = System.nanoTime() + options.warmupSeconds * 1_000_000_000L;
        while (System.nanoTime() < warmUntil) {
          System.out.print("Warm-up, not reported: ");
          Scenario.run(database, 1_000, options);
        }
        for (long size : options.sizes) {
          report.add(Scenario.run(database, size, options));
        }
      }
      System.out.println(report.lastTable());
    }
    Path file = report.append(options.out);
    System.out.println("Appended to " + file);
  }
}
