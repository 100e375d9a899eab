package org.sealpost.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.sealpost.client.InstallationSession;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.envelope.Author;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.identity.envelope.EnvelopeSealer;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.BundleVerifier;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.LinkStatement;
import org.sealpost.identity.wallet.WalletKey;
import org.sealpost.server.HomeServer;
import org.sealpost.server.config.ConfigLoader;
import org.sealpost.server.store.Cursor;

/**
 * One inbox size on one database: a fresh home server on a free port, a sender and a recipient
 * linked through the client, the recipient's inbox preloaded to {@code size}, then three
 * measurements over HTTP: the newest page, the oldest page, and publishing (last, so the reads see
 * exactly {@code size} envelopes).
 */
final class Scenario {
  private static final Clock CLOCK = Clock.systemUTC();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Domain DOMAIN = domain("bench.test");

  private Scenario() {}

  /** A linked installation of a fresh wallet. */
  private record Person(WalletKey wallet, InstallationKeys keys, InstallationSession session) {
    Account account() {
      return wallet.account();
    }
  }

  static Report.Row run(BenchDatabase database, long size, Options options) throws Exception {
    System.out.printf("%s, inbox of %,d:%n", database.description(), size);
    Path dataDir = Files.createTempDirectory("sealpost-bench-");
    try (BenchDatabase.Fresh store = database.fresh(dataDir)) {
      HomeServer server = HomeServer.start(config(dataDir, store.serverSettings()), CLOCK);
      try {
        return measure(server, database, store, size, options);
      } finally {
        server.close();
      }
    } finally {
      deleteTree(dataDir);
    }
  }

  private static Report.Row measure(
      HomeServer server,
      BenchDatabase database,
      BenchDatabase.Fresh store,
      long size,
      Options options)
      throws Exception {
    // HTTP/1.1 keep-alive, one connection per client thread: the JDK client would otherwise try
    // an h2c upgrade on plain http, which the server does not speak.
    SealpostClient client =
        new SealpostClient(
            URI.create("http://127.0.0.1:" + server.httpPort()),
            CLOCK,
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build());
    Person sender = link(client);
    Person recipient = link(client);

    // Sealed before any clock starts: sealing is the client's cost, not the server's.
    List<Bundle> bundles = client.bundles(recipient.account().canonical()).bundles();
    BundleVerifier verifier = new BundleVerifier(CLOCK);
    for (Bundle bundle : bundles) {
      if (!verifier.verify(bundle).isValid()) {
        throw new IllegalStateException("the server served an invalid bundle: " + bundle);
      }
    }
    EnvelopeSealer sealer = new EnvelopeSealer(CLOCK, RANDOM);
    Author author = new Author.Installation(sender.account(), sender.keys());
    int publishTotal = options.publishWarmup + options.publishes;
    List<Envelope> envelopes = new ArrayList<>(publishTotal);
    for (int i = 0; i < publishTotal; i++) {
      envelopes.add(sealer.seal(author, bundles, mime(i, options.mimeBytes)));
    }
    byte[] preloadBody =
        sealer.seal(author, bundles, mime(-1, options.preloadMimeBytes)).toByteArray();
    System.out.printf(
        "  envelopes: %,d bytes published, %,d bytes preloaded%n",
        envelopes.get(0).size(), preloadBody.length);

    Duration preload;
    String beforeNewest;
    try (Connection connection = store.connect()) {
      Preloader preloader = new Preloader(connection, store.dialect());
      List<Account> others = new ArrayList<>();
      for (int k = 0; k < options.otherRecipients; k++) {
        byte[] address = new byte[20];
        RANDOM.nextBytes(address);
        others.add(Account.fromBytes(address));
      }
      preload = preloader.preload(recipient.account(), others, size, preloadBody);
      beforeNewest =
          new Cursor(preloader.sequenceBeforeNewest(recipient.account(), options.pageSize))
              .encode();
    }
    System.out.printf("  preloaded in %.1f s%n", preload.toMillis() / 1e3);

    // Check once that the two pages are what they are meant to be before timing them.
    int page = options.pageSize;
    int expected = (int) Math.min(page, size);
    InstallationSession.InboxPage newest =
        recipient.session().inbox(Optional.of(beforeNewest), page);
    InstallationSession.InboxPage first = recipient.session().inbox(Optional.empty(), page);
    if (newest.entries().size() != expected
        || !recipient.session().inbox(newest.next(), page).entries().isEmpty()
        || first.entries().size() != expected) {
      throw new IllegalStateException("the preloaded inbox does not read back as expected");
    }

    CpuMeter cpu = new CpuMeter(database::processes);
    CpuMeter.Sample cpuAtStart = cpu.sample();

    // One warm-up for both page kinds, alternating, before either is measured: whichever came
    // first would otherwise also pay for the JIT and, after a large preload, for the database
    // settling its caches (seen here as the first kind measured at half the speed of the second).
    LoadRunner.Request newestPage = i -> recipient.session().inbox(Optional.of(beforeNewest), page);
    LoadRunner.Request firstPage = i -> recipient.session().inbox(Optional.empty(), page);
    LoadRunner.run(
        options.threads,
        0,
        2 * options.readWarmup,
        i -> (i % 2 == 0 ? newestPage : firstPage).run(i));
    LoadRunner.Result newestReads = LoadRunner.run(options.threads, 0, options.reads, newestPage);
    System.out.printf("  newest page: %.0f reads/s%n", newestReads.perSecond());
    LoadRunner.Result firstReads = LoadRunner.run(options.threads, 0, options.reads, firstPage);
    System.out.printf("  first page:  %.0f reads/s%n", firstReads.perSecond());
    LoadRunner.Result publishes =
        LoadRunner.run(
            options.threads,
            options.publishWarmup,
            options.publishes,
            i -> {
              String status = sender.session().publish(envelopes.get(i), Optional.empty()).status();
              if (!status.equals("stored")) {
                throw new IllegalStateException("publish answered " + status);
              }
            });
    System.out.printf("  publish:     %.0f req/s%n", publishes.perSecond());
    String foreign = CpuMeter.foreignShare(cpuAtStart, cpu.sample());
    System.out.println("  CPU taken by other processes meanwhile: " + foreign);
    return new Report.Row(size, preload, publishes, newestReads, firstReads, foreign);
  }

  /**
   * Limits raised out of the way: the rate limits would otherwise measure themselves, and the
   * benchmark's one installation makes far more requests than a person's would.
   */
  private static org.sealpost.server.config.ServerConfig config(
      Path dataDir, Map<String, String> settings) throws Exception {
    ConfigLoader loader =
        new ConfigLoader()
            .set("data-dir", dataDir.toString(), "bench")
            .set("domain", DOMAIN.name(), "bench")
            .set("http.port", "0", "bench")
            .set("http.shutdown-grace-seconds", "2", "bench")
            .set("limits.installation-requests-per-second", "1000000", "bench")
            .set("limits.installation-burst", "1000000", "bench")
            .set("limits.ip-requests-per-second", "1000000", "bench")
            .set("limits.ip-burst", "1000000", "bench");
    for (Map.Entry<String, String> setting : settings.entrySet()) {
      loader.set(setting.getKey(), setting.getValue(), "bench");
    }
    return loader.load();
  }

  private static Person link(SealpostClient client) throws MalformedException {
    WalletKey wallet = randomWallet();
    InstallationKeys keys = InstallationKeys.generate(RANDOM);
    Instant now = CLOCK.instant().truncatedTo(ChronoUnit.SECONDS);
    LinkStatement statement =
        LinkStatement.forKeys(wallet.account(), DOMAIN, keys, now, now.plus(Duration.ofDays(1)));
    client.link(new Bundle(statement, wallet.signPersonal(statement.text())));
    return new Person(wallet, keys, client.as(keys));
  }

  private static WalletKey randomWallet() {
    byte[] secret = new byte[32];
    while (true) {
      RANDOM.nextBytes(secret);
      try {
        return WalletKey.parse(HexFormat.of().formatHex(secret));
      } catch (MalformedException outsideTheCurve) {
        // 0 or >= n: about 2^-128 likely; draw again
      }
    }
  }

  /**
   * A plain-text message of exactly {@code bytes} bytes: headers and random printable text, which
   * is what a mail client would seal (compression would gain nothing on the ciphertext anyway).
   */
  static byte[] mime(int number, int bytes) {
    StringBuilder text =
        new StringBuilder("From: sender@bench.test\r\nTo: recipient@bench.test\r\n")
            .append("Subject: benchmark message ")
            .append(number)
            .append("\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
    String alphabet = "abcdefghijklmnopqrstuvwxyz     .,\r\n";
    // Not SecureRandom: thousands of characters per message, and they need not be secret.
    SplittableRandom random = new SplittableRandom(number);
    while (text.length() < bytes) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    text.setLength(bytes);
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static Domain domain(String name) {
    try {
      return Domain.parse(name);
    } catch (MalformedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
