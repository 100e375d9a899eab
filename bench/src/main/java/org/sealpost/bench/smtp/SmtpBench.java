package org.sealpost.bench.smtp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accepted messages per second on one SMTP listener: {@code connections} clients, each on its own
 * connection, send messages one transaction after another until {@code messages} have been accepted
 * (after a warm-up that is not counted). Prints one markdown table row per concurrency level. Run
 * by bench/smtp.sh, which starts the listeners; this only measures.
 *
 * <pre>
 * SmtpBench --label NAME --host H --port P --from A --to B [--user U --password-env VAR]
 *           [--connections 1,4,16] [--messages 2000] [--warmup 200] [--size 4096]
 * </pre>
 */
public final class SmtpBench {
  private SmtpBench() {}

  private record Options(
      String label,
      String host,
      int port,
      String from,
      String to,
      Optional<SmtpConnection.Login> login,
      int[] connections,
      int messages,
      int warmup,
      int size) {}

  /** One concurrency level's result. */
  private record Result(int connections, int accepted, double seconds, long[] latenciesNanos) {
    double perSecond() {
      return accepted / seconds;
    }

    double millis(double quantile) {
      long[] sorted = latenciesNanos.clone();
      Arrays.sort(sorted);
      int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
      return sorted[Math.max(0, index)] / 1e6;
    }
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("SmtpBench: " + e.getMessage());
      System.exit(2);
      return;
    }
    for (int connections : options.connections()) {
      run(options, connections, options.warmup()); // warm-up, not reported
      Result result = run(options, connections, options.messages());
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %d | %.0f | %.1f / %.1f / %.1f |%n",
          options.label(),
          result.connections(),
          result.accepted(),
          result.perSecond(),
          result.millis(0.50),
          result.millis(0.95),
          result.millis(0.99));
    }
  }

  private static Result run(Options options, int connections, int messages) throws Exception {
    AtomicInteger next = new AtomicInteger();
    long[] latencies = new long[messages];
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    List<Future<?>> clients = new ArrayList<>();
    long started = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      clients.add(
          pool.submit(
              () -> {
                try (SmtpConnection smtp =
                    SmtpConnection.open(options.host(), options.port(), options.login())) {
                  int n;
                  while ((n = next.getAndIncrement()) < messages) {
                    byte[] message = message(options, n);
                    long start = System.nanoTime();
                    smtp.send(options.from(), options.to(), message);
                    latencies[n] = System.nanoTime() - start;
                  }
                }
                return null;
              }));
    }
    try {
      for (Future<?> client : clients) {
        client.get(); // the first failure ends the run with the server's reply
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Result(connections, messages, seconds, latencies);
  }

  /** A plain-text message of about {@code size} bytes with its own subject and Message-ID. */
  private static byte[] message(Options options, int n) {
    StringBuilder text = new StringBuilder(options.size() + 512);
    text.append("From: <")
        .append(options.from())
        .append(">\r\nTo: <")
        .append(options.to())
        .append(">\r\nSubject: load message ")
        .append(n)
        .append("\r\nMessage-ID: <bench-")
        .append(System.nanoTime())
        .append('-')
        .append(n)
        .append("@bench.sealpost.invalid>\r\nMIME-Version: 1.0\r\n")
        .append("Content-Type: text/plain; charset=utf-8\r\n\r\n");
    String line = "The quick brown fox jumps over the lazy dog, message " + n + ".\r\n";
    while (text.length() < options.size()) {
      text.append(line);
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Options parse(String[] args) {
    String label = null;
    String host = "127.0.0.1";
    int port = -1;
    String from = null;
    String to = null;
    String user = null;
    String passwordEnv = null;
    int[] connections = {1, 4, 16};
    int messages = 2000;
    int warmup = 200;
    int size = 4096;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      String value = args[i + 1];
      switch (args[i]) {
        case "--label" -> label = value;
        case "--host" -> host = value;
        case "--port" -> port = Integer.parseInt(value);
        case "--from" -> from = value;
        case "--to" -> to = value;
        case "--user" -> user = value;
        case "--password-env" -> passwordEnv = value;
        case "--connections" ->
            connections = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
        case "--messages" -> messages = Integer.parseInt(value);
        case "--warmup" -> warmup = Integer.parseInt(value);
        case "--size" -> size = Integer.parseInt(value);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (label == null || port < 0 || from == null || to == null) {
      throw new IllegalArgumentException("--label, --port, --from and --to are required");
    }
    Optional<SmtpConnection.Login> login = Optional.empty();
    if (user != null) {
      // The password comes from the environment so that it is not on a command line (ps).
      String password = passwordEnv == null ? null : System.getenv(passwordEnv);
      if (password == null) {
        throw new IllegalArgumentException("--user needs --password-env naming a set variable");
      }
      login = Optional.of(new SmtpConnection.Login(user, password));
    }
    return new Options(label, host, port, from, to, login, connections, messages, warmup, size);
  }
}
