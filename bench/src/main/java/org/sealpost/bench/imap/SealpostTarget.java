package org.sealpost.bench.imap;

import java.net.URI;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.sealpost.client.InstallationSession;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.envelope.Author;
import org.sealpost.identity.envelope.EnvelopeSealer;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.LinkStatement;
import org.sealpost.identity.wallet.WalletKey;

/**
 * A running {@code sealpost up}, reached only as its users reach it: the client API over HTTP for
 * mail arriving, IMAP for everything measured. Mail comes from a second wallet, published through
 * the client API as any sender's client would; the recipient allows that sender first (from an
 * installation of its own, linked with its wallet key), so the bridge files the mail in INBOX
 * rather than Requests.
 */
final class SealpostTarget implements Target {
  private static final Clock CLOCK = Clock.systemUTC();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String name;
  private final long pid;
  private final InstallationSession sender;
  private final Author author;
  private final List<Bundle> recipientBundles;
  private final String from;
  private final String to;
  private final EnvelopeSealer sealer = new EnvelopeSealer(CLOCK, RANDOM);

  SealpostTarget(String name, long pid, URI server, WalletKey recipient) throws Exception {
    this.name = name;
    this.pid = pid;
    // HTTP/1.1: the JDK client would otherwise try an h2c upgrade, which the server does not speak.
    SealpostClient client =
        new SealpostClient(
            server,
            CLOCK,
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build());
    Domain domain = client.serverInfo().domain();
    WalletKey senderWallet = randomWallet();
    InstallationKeys senderKeys = link(client, domain, senderWallet);
    this.sender = client.as(senderKeys);
    this.author = new Author.Installation(senderWallet.account(), senderKeys);
    InstallationSession recipientPhone = client.as(link(client, domain, recipient));
    recipientPhone.decide(
        "sender",
        senderWallet.account().canonical(),
        "allow",
        CLOCK.instant().truncatedTo(ChronoUnit.SECONDS));
    // Sealed to every installation of the recipient: the bridge's and the one linked above, as a
    // user's mail is sealed to each of their devices.
    this.recipientBundles = client.bundles(recipient.account().canonical()).bundles();
    this.from = senderWallet.account().canonical() + "@" + domain.name();
    this.to = recipient.account().canonical() + "@" + domain.name();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long pid() {
    return pid;
  }

  /** Seals and publishes messages 0 to count - 1 from {@code threads} threads. */
  void preload(int count, int threads) throws Exception {
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    publish(i);
                    if ((i + 1) % 10_000 == 0) {
                      System.out.printf(
                          "    published %,d (%.0f s)%n", i + 1, (System.nanoTime() - start) / 1e9);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Override
  public long deliver(int number) {
    // Sealing is the sending client's work before it publishes; it is not part of the push.
    var envelope = sealer.seal(author, recipientBundles, BenchMessages.mime(number, from, to));
    long start = System.nanoTime();
    String status = sender.publish(envelope, Optional.empty()).status();
    if (!status.equals("stored")) {
      throw new IllegalStateException("publish answered " + status);
    }
    return start;
  }

  private void publish(int number) {
    var envelope = sealer.seal(author, recipientBundles, BenchMessages.mime(number, from, to));
    String status = sender.publish(envelope, Optional.empty()).status();
    if (!status.equals("stored")) {
      throw new IllegalStateException("publish of message " + number + " answered " + status);
    }
  }

  private static InstallationKeys link(SealpostClient client, Domain domain, WalletKey wallet)
      throws MalformedException {
    InstallationKeys keys = InstallationKeys.generate(RANDOM);
    Instant now = CLOCK.instant().truncatedTo(ChronoUnit.SECONDS);
    LinkStatement statement =
        LinkStatement.forKeys(wallet.account(), domain, keys, now, now.plus(Duration.ofDays(1)));
    client.link(new Bundle(statement, wallet.signPersonal(statement.text())));
    return keys;
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
}
