package org.sealpost.bench.imap;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sealpost.identity.wallet.WalletKey;

/**
 * The IMAP benchmark's entry point (docs/performance.md, "IMAP bridge beside Dovecot"), run by
 * {@code bench/imap.sh}, which starts the servers. Modes:
 *
 * <ul>
 *   <li>{@code maildir}: writes the messages into a Maildir, before Dovecot starts;
 *   <li>{@code sealpost}: publishes the messages to a running {@code sealpost up}, waits until the
 *       bridge has filed them, then runs the load;
 *   <li>{@code dovecot}: runs the load against a running Dovecot;
 *   <li>{@code summary}: the side-by-side tables from the rows the runs wrote.
 * </ul>
 */
public final class ImapMain {
  static final String USAGE =
      """
      usage: ImapMain maildir --maildir DIR --messages N
             ImapMain sealpost --http URL --wallet-key-file F --pid PID --messages N [load options]
             ImapMain dovecot --maildir DIR --pid PID --messages N [load options]
             ImapMain summary --tsv FILE [--sessions 32] [--memory true]
      load options:
        --name TEXT             the server, for the tables
        --port N --user U --password P     the IMAP server and account (host 127.0.0.1)
        --sessions 1,8,32,100   concurrency levels
        --phase-seconds 5       time per command kind and level
        --warmup-seconds 20     unreported load first (both servers start cold)
        --idle-pushes 5         messages delivered while all sessions IDLE, per level
        --grace-seconds 120     how long a command may still run after its phase ends
        --header-search-sessions N   at most N sessions run the header SEARCH phase (default all)
        --publish-threads 4     (sealpost) threads publishing the preload
        --out FILE.md --tsv FILE.tsv       where the tables and the rows go (appended)
      """;

  private ImapMain() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    if (args.length == 0 || args[0].equals("--help")) {
      System.out.print(USAGE);
      return;
    }
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        System.err.println("ImapMain: expected --name value, got " + args[i]);
        System.err.print(USAGE);
        System.exit(2);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    switch (args[0]) {
      case "maildir" ->
          MaildirTarget.preload(Path.of(required(options, "maildir")), messages(options));
      case "sealpost" -> sealpost(options);
      case "dovecot" -> {
        Target target =
            new MaildirTarget(
                required(options, "name"),
                Long.parseLong(required(options, "pid")),
                Path.of(required(options, "maildir")));
        measure(target, options);
      }
      case "summary" ->
          System.out.print(
              summary(
                  Files.readAllLines(Path.of(required(options, "tsv"))),
                  Integer.parseInt(options.getOrDefault("sessions", "32")),
                  Boolean.parseBoolean(options.getOrDefault("memory", "false"))));
      default -> {
        System.err.println("ImapMain: unknown mode " + args[0]);
        System.err.print(USAGE);
        System.exit(2);
      }
    }
  }

  private static void sealpost(Map<String, String> options) throws Exception {
    int messages = messages(options);
    WalletKey recipient =
        WalletKey.parse(Files.readString(Path.of(required(options, "wallet-key-file"))).strip());
    SealpostTarget target =
        new SealpostTarget(
            required(options, "name"),
            Long.parseLong(required(options, "pid")),
            URI.create(required(options, "http")),
            recipient);
    // One login first: the bridge unlocks the account and starts filing what arrives, while the
    // preload is still being published (after the sender was allowed, so all of it goes to INBOX).
    try (ImapSession session = new ImapSession("127.0.0.1", port(options), 120_000)) {
      session.command(
          "LOGIN \"" + required(options, "user") + "\" \"" + required(options, "password") + "\"");
      System.out.printf("  publishing %,d messages through the client API%n", messages);
      long start = System.nanoTime();
      target.preload(messages, Integer.parseInt(options.getOrDefault("publish-threads", "4")));
      double published = (System.nanoTime() - start) / 1e9;
      System.out.printf("  published in %.0f s; waiting for the bridge to file them%n", published);
      awaitFiled(session, messages);
      double filed = (System.nanoTime() - start) / 1e9;
      String note =
          String.format(
              Locale.ROOT,
              "Preload: %,d messages published through the client API in %.0f s (%.0f/s, %s"
                  + " threads); all filed in INBOX by the bridge %.0f s after publishing began.",
              messages,
              published,
              messages / published,
              options.getOrDefault("publish-threads", "4"),
              filed);
      System.out.println("  " + note);
      session.command("LOGOUT");
      measure(target, options, note);
    }
  }

  /** Polls STATUS until the bridge has filed {@code messages} in INBOX. */
  private static void awaitFiled(ImapSession session, int messages) throws Exception {
    Pattern count = Pattern.compile("MESSAGES (\\d+)");
    long deadline = System.nanoTime() + (600L + messages / 20) * 1_000_000_000L;
    int last = -1;
    while (System.nanoTime() < deadline) {
      Matcher m =
          count.matcher(String.join(" ", session.command("STATUS INBOX (MESSAGES)").untagged()));
      int now = m.find() ? Integer.parseInt(m.group(1)) : -1;
      if (now >= messages) {
        return;
      }
      if (now / 10_000 != last / 10_000) {
        System.out.printf("    filed %,d%n", now);
      }
      last = now;
      Thread.sleep(1000);
    }
    throw new IllegalStateException("the bridge filed " + last + " of " + messages + " in time");
  }

  private static void measure(Target target, Map<String, String> options) throws Exception {
    measure(target, options, "");
  }

  private static void measure(Target target, Map<String, String> options, String note)
      throws Exception {
    int messages = messages(options);
    Workload.Settings settings =
        new Workload.Settings(
            "127.0.0.1",
            port(options),
            required(options, "user"),
            required(options, "password"),
            integers(options.getOrDefault("sessions", "1,8,32,100")),
            Integer.parseInt(options.getOrDefault("phase-seconds", "5")),
            Integer.parseInt(options.getOrDefault("warmup-seconds", "20")),
            Integer.parseInt(options.getOrDefault("idle-pushes", "5")),
            Integer.parseInt(options.getOrDefault("grace-seconds", "120")),
            Integer.parseInt(options.getOrDefault("header-search-sessions", "1000000")));
    System.out.printf("%s, %,d messages:%n", target.name(), messages);
    List<Workload.Level> levels = new Workload(settings, target).run();
    String table = table(target.name(), messages, levels, note);
    System.out.println(table);
    if (options.containsKey("out")) {
      append(Path.of(options.get("out")), table + "\n");
    }
    if (options.containsKey("tsv")) {
      append(Path.of(options.get("tsv")), rows(target.name(), messages, levels));
    }
  }

  static String table(String name, int messages, List<Workload.Level> levels, String note) {
    StringBuilder text =
        new StringBuilder(String.format(Locale.ROOT, "### %s, %,d messages%n%n", name, messages));
    if (!note.isEmpty()) {
      text.append(note).append("\n\n");
    }
    text.append("| sessions | command | ops | ops/s | p50 ms | p95 ms | p99 ms | errors |\n")
        .append("|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for (Workload.Level level : levels) {
      for (var entry : level.timings().all().entrySet()) {
        Timings.Command c = entry.getValue();
        text.append(
            String.format(
                Locale.ROOT,
                "| %d | %s | %,d | %s | %s | %s | %s | %s |%n",
                level.sessions(),
                entry.getKey().replace("|", "\\|"),
                c.count(),
                Double.isNaN(c.perSecond())
                    ? "–"
                    : String.format(Locale.ROOT, "%,.0f", c.perSecond()),
                Timings.ms(c.millis(50)),
                Timings.ms(c.millis(95)),
                Timings.ms(c.millis(99)),
                c.errors() == 0 ? "0" : c.errors() + " (" + c.firstError() + ")"));
      }
    }
    text.append(
            "\n| sessions | server RSS before | with the sessions open | RSS per session"
                + " | PSS per session | live heap per session | processes"
                + " | load average before → after |\n")
        .append("|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Workload.Level level : levels) {
      ProcessMemory.Sample before = level.before();
      ProcessMemory.Sample with = level.with();
      text.append(
          String.format(
              Locale.ROOT,
              "| %d | %,.1f MiB | %,.1f MiB | %,.0f KiB | %,.0f KiB | %s | %d → %d | %s → %s |%n",
              level.sessions(),
              before.rssKib() / 1024.0,
              with.rssKib() / 1024.0,
              (with.rssKib() - before.rssKib()) / (double) level.sessions(),
              (with.pssKib() - before.pssKib()) / (double) level.sessions(),
              heapPerSession(level),
              before.processes(),
              with.processes(),
              level.loadBefore(),
              level.loadAfter()));
    }
    return text.toString();
  }

  /** Tab-separated rows for {@code summary}: one per command and level, one per level's memory. */
  static String rows(String name, int messages, List<Workload.Level> levels) {
    StringBuilder rows = new StringBuilder();
    for (Workload.Level level : levels) {
      for (var entry : level.timings().all().entrySet()) {
        Timings.Command c = entry.getValue();
        rows.append(
                String.join(
                    "\t",
                    name,
                    Integer.toString(messages),
                    Integer.toString(level.sessions()),
                    entry.getKey(),
                    Double.isNaN(c.perSecond())
                        ? "–"
                        : String.format(Locale.ROOT, "%,.0f", c.perSecond()),
                    Timings.ms(c.millis(50)),
                    Timings.ms(c.millis(99)),
                    Integer.toString(c.errors())))
            .append('\n');
      }
      rows.append(
              String.join(
                  "\t",
                  name,
                  Integer.toString(messages),
                  Integer.toString(level.sessions()),
                  "memory",
                  String.format(
                      Locale.ROOT,
                      "%.0f",
                      (level.with().rssKib() - level.before().rssKib())
                          / (double) level.sessions()),
                  String.format(
                      Locale.ROOT,
                      "%.0f",
                      (level.with().pssKib() - level.before().pssKib())
                          / (double) level.sessions()),
                  level.loadBefore(),
                  heapPerSession(level)))
          .append('\n');
    }
    return rows.toString();
  }

  /** Live heap (after a full collection) added per open session, for a JVM; else a dash. */
  private static String heapPerSession(Workload.Level level) {
    if (level.before().heapKib() < 0 || level.with().heapKib() < 0) {
      return "–";
    }
    return String.format(
        Locale.ROOT,
        "%,.0f KiB",
        (level.with().heapKib() - level.before().heapKib()) / (double) level.sessions());
  }

  /**
   * For each mailbox size, the servers side by side at {@code sessions} concurrent sessions: ops/s
   * and p50 / p99 of each command; then memory per session at every level.
   */
  static String summary(List<String> lines, int sessions, boolean withMemory) {
    Set<String> servers = new LinkedHashSet<>();
    Map<String, Map<String, String[]>> bySizeCommand = new LinkedHashMap<>();
    List<String[]> memory = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.split("\t", -1);
      if (f.length < 8) {
        continue;
      }
      servers.add(f[0]);
      if (f[3].equals("memory")) {
        memory.add(f);
      } else if (Integer.parseInt(f[2]) == sessions) {
        bySizeCommand
            .computeIfAbsent(f[1] + "\t" + f[3], any -> new LinkedHashMap<>())
            .put(f[0], f);
      }
    }
    StringBuilder text = new StringBuilder();
    String size = null;
    for (var entry : bySizeCommand.entrySet()) {
      String[] key = entry.getKey().split("\t");
      if (!key[0].equals(size)) {
        size = key[0];
        text.append(
            String.format(
                Locale.ROOT,
                "%n#### %,d messages, %d sessions%n%n| command |",
                Long.parseLong(size),
                sessions));
        StringBuilder rule = new StringBuilder("|---|");
        for (String server : servers) {
          text.append(" ").append(server).append(" ops/s | p50 / p99 ms |");
          rule.append("---:|---:|");
        }
        text.append('\n').append(rule).append('\n');
      }
      text.append("| ").append(key[1].replace("|", "\\|")).append(" |");
      for (String server : servers) {
        String[] f = entry.getValue().get(server);
        text.append(
            f == null
                ? " | |"
                : " "
                    + f[4]
                    + " | "
                    + f[5]
                    + " / "
                    + f[6]
                    + (f[7].equals("0") ? "" : " (" + f[7] + " errors)")
                    + " |");
      }
      text.append('\n');
    }
    if (!withMemory) {
      return text.toString();
    }
    text.append(
        "\n#### Memory per open session (RSS / PSS in KiB; a JVM's live heap)\n\n| messages | sessions |");
    StringBuilder rule = new StringBuilder("|---:|---:|");
    for (String server : servers) {
      text.append(' ').append(server).append(" |");
      rule.append("---:|");
    }
    text.append('\n').append(rule).append('\n');
    Map<String, Map<String, String>> memoryRows = new LinkedHashMap<>();
    for (String[] f : memory) {
      memoryRows
          .computeIfAbsent(
              String.format(Locale.ROOT, "| %,d | %s |", Long.parseLong(f[1]), f[2]),
              any -> new LinkedHashMap<>())
          .put(f[0], f[4] + " / " + f[5] + (f[7].isEmpty() || f[7].equals("–") ? "" : "; " + f[7]));
    }
    for (var row : memoryRows.entrySet()) {
      text.append(row.getKey());
      for (String server : servers) {
        text.append(' ').append(row.getValue().getOrDefault(server, "")).append(" |");
      }
      text.append('\n');
    }
    return text.toString();
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static int messages(Map<String, String> options) {
    return Integer.parseInt(required(options, "messages"));
  }

  private static int port(Map<String, String> options) {
    return Integer.parseInt(required(options, "port"));
  }

  private static List<Integer> integers(String list) {
    List<Integer> values = new ArrayList<>();
    for (String value : list.split(",")) {
      values.add(Integer.parseInt(value.strip()));
    }
    return values;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }
}
