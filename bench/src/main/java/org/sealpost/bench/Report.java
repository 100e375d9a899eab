package org.sealpost.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The results as one markdown table per database, printed as they complete and appended to {@code
 * <out>/<date>-server.md} (appended, so a day's runs with different flags all stay on record).
 */
final class Report {
  /** One inbox size's measurements. */
  record Row(
      long size,
      Duration preload,
      LoadRunner.Result publish,
      LoadRunner.Result newest,
      LoadRunner.Result first,
      String foreignCpu) {}

  private record Section(String database, List<Row> rows) {}

  private static final String HEADER =
      "| inbox size | publish req/s | publish p50 / p95 / p99 ms | newest page reads/s"
          + " | newest page p50 / p95 / p99 ms | first page p50 ms | preload |\n"
          + "|---:|---:|---:|---:|---:|---:|---:|\n";

  private final Options options;
  private final ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
  private final List<Section> sections = new ArrayList<>();
  private final String machine;

  Report(Options options) {
    this.options = options;
    this.machine = describeMachine();
  }

  void startDatabase(String description) {
    sections.add(new Section(description, new ArrayList<>()));
  }

  void add(Row row) {
    sections.get(sections.size() - 1).rows().add(row);
  }

  /** The table of the database last started, with its name above. */
  String lastTable() {
    return table(sections.get(sections.size() - 1));
  }

  /** Appends this run (machine, flags, every table) to the day's file; returns its path. */
  Path append(Path directory) throws IOException {
    Files.createDirectories(directory);
    Path file = directory.resolve(started.toLocalDate() + "-server.md").toAbsolutePath();
    StringBuilder text = new StringBuilder();
    if (!Files.exists(file)) {
      text.append("# Home server benchmark, ")
          .append(started.toLocalDate())
          .append("\n\nWritten by bench/run.sh; what the columns mean: docs/performance.md.\n");
    }
    text.append("\n## Run started ")
        .append(started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
        .append("\n\n")
        .append(machine())
        .append("\n\nOptions: `")
        .append(options.describe())
        .append("`; the whole run took ")
        .append(seconds(Duration.between(started, ZonedDateTime.now(ZoneOffset.UTC))))
        .append(".\n");
    for (Section section : sections) {
      text.append('\n').append(table(section));
    }
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return file;
  }

  /** Where the numbers came from, as the run started: they mean little without it. */
  String machine() {
    return machine;
  }

  private static String describeMachine() {
    long memory =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
    return String.format(
        Locale.ROOT,
        "Machine: %d CPUs (%s), %.1f GiB RAM, %s %s; %s %s (max heap %.1f GiB)",
        Runtime.getRuntime().availableProcessors(),
        cpuModel(),
        memory / (double) (1L << 30),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        Runtime.getRuntime().maxMemory() / (double) (1L << 30));
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(line -> line.startsWith("model name"))
          .map(line -> line.substring(line.indexOf(':') + 1).strip())
          .findFirst()
          .orElse("unknown model");
    } catch (IOException | RuntimeException e) {
      return "unknown model";
    }
  }

  private static String table(Section section) {
    StringBuilder text = new StringBuilder("### ").append(section.database()).append("\n\n");
    text.append(HEADER);
    for (Row row : section.rows()) {
      text.append(
          String.format(
              Locale.ROOT,
              "| %,d | %,.0f | %s | %,.0f | %s | %.1f | %s |%n",
              row.size(),
              row.publish().perSecond(),
              percentiles(row.publish()),
              row.newest().perSecond(),
              percentiles(row.newest()),
              row.first().millis(50),
              seconds(row.preload())));
    }
    // Client and server share the machine's cores with whatever else runs; this says how much.
    text.append("\nCPU taken by other processes while measuring (share of the whole machine): ")
        .append(
            String.join(
                ", ",
                section.rows().stream()
                    .map(r -> String.format(Locale.ROOT, "%,d: %s", r.size(), r.foreignCpu()))
                    .toList()))
        .append('\n');
    return text.toString();
  }

  private static String percentiles(LoadRunner.Result result) {
    return String.format(
        Locale.ROOT, "%.1f / %.1f / %.1f", result.millis(50), result.millis(95), result.millis(99));
  }

  private static String seconds(Duration duration) {
    double s = duration.toMillis() / 1e3;
    return s < 60
        ? String.format(Locale.ROOT, "%.1f s", s)
        : String.format(Locale.ROOT, "%d min %02d s", (long) s / 60, (long) s % 60);
  }
}
