package org.sealpost.bridge.smtp;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.james.protocols.netty.NettyServer;
import org.sealpost.bridge.BridgeAccounts;
import org.sealpost.bridge.BridgeLogin;
import org.sealpost.bridge.LoginLimiter;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.Domain;
import org.sealpost.identity.installation.BundleVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP submission bridge (RFC 6409): a mail client logs in with an account's bridge password
 * and sends to wallet addresses; the bridge seals one envelope per recipient account plus the Sent
 * copy with the account's installation and publishes them to the home server. See
 * docs/adr/0007-smtp-bridge.md and docs/sending.md.
 */
public final class SubmissionServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SubmissionServer.class);

  /**
   * Where to listen and whom to serve.
   *
   * @param dataDir the data directory whose {@code bridge/accounts} may log in
   * @param domain this deployment's mail domain (greeting, generated Message-IDs, reports)
   * @param host the address to bind, e.g. 127.0.0.1 (plain SMTP: keep it on loopback until TLS)
   * @param port the port, 0 for any free one
   * @param homeServer the home server's client API base URL
   * @param maxMessageBytes the SIZE limit; see {@link #maxMessageBytes(long, int)}
   * @param rate how many messages an account may send
   * @param retry how hard to try publishing an envelope before reporting it failed
   */
  public record Settings(
      Path dataDir,
      Domain domain,
      String host,
      int port,
      URI homeServer,
      long maxMessageBytes,
      double messagesPerMinute,
      int messageBurst,
      int publishAttempts,
      Duration firstRetryDelay) {
    public Settings {
      requireNonNull(dataDir, "dataDir");
      requireNonNull(domain, "domain");
      requireNonNull(host, "host");
      requireNonNull(homeServer, "homeServer");
      requireNonNull(firstRetryDelay, "firstRetryDelay");
      if (maxMessageBytes < 1024) {
        throw new IllegalArgumentException(
            "maxMessageBytes: " + maxMessageBytes + " (expected: >= 1024)");
      }
    }

    /** Defaults: 30 messages at once, then 30 a minute; 4 publish attempts from 1 s apart. */
    public static Settings of(
        Path dataDir, Domain domain, String host, int port, URI homeServer, long maxMessageBytes) {
      return new Settings(
          dataDir,
          domain,
          host,
          port,
          homeServer,
          maxMessageBytes,
          30,
          30,
          4,
          Duration.ofSeconds(1));
    }

    public Settings withRate(double messagesPerMinute, int messageBurst) {
      return new Settings(
          dataDir,
          domain,
          host,
          port,
          homeServer,
          maxMessageBytes,
          messagesPerMinute,
          messageBurst,
          publishAttempts,
          firstRetryDelay);
    }

    public Settings withRetry(int publishAttempts, Duration firstRetryDelay) {
      return new Settings(
          dataDir,
          domain,
          host,
          port,
          homeServer,
          maxMessageBytes,
          messagesPerMinute,
          messageBurst,
          publishAttempts,
          firstRetryDelay);
    }
  }

  /**
   * The largest message whose envelope still fits the home server's envelope limit: the message is
   * sealed once per recipient with up to {@code maxInstallations} key wraps (about 120 bytes each),
   * plus the signature, ids, the Sent marker and headers the bridge may add (2 KiB is ample).
   */
  public static long maxMessageBytes(long maxEnvelopeBytes, int maxInstallations) {
    return maxEnvelopeBytes - 2048 - 128L * maxInstallations;
  }

  private final NettyServer server;

  private SubmissionServer(NettyServer server) {
    this.server = server;
  }

  public static SubmissionServer start(Settings settings, Clock clock) throws Exception {
    requireNonNull(settings, "settings");
    requireNonNull(clock, "clock");
    SecureRandom random = new SecureRandom();
    SealpostClient client = new SealpostClient(settings.homeServer(), clock);
    RecipientDirectory directory = new RecipientDirectory(client, new BundleVerifier(clock));
    BridgeLogin login =
        new BridgeLogin(new BridgeAccounts(settings.dataDir()), new LoginLimiter(clock), random);
    SendRate rate =
        new SendRate(
            new SendRate.Limit(settings.messagesPerMinute(), settings.messageBurst()), clock);
    Publisher publisher =
        new Publisher(new Publisher.Retry(settings.publishAttempts(), settings.firstRetryDelay()));
    NettyServer server =
        SmtpStack.listen(
            settings.host(),
            settings.port(),
            new SmtpStack.Config(settings.domain(), "submission", settings.maxMessageBytes(), true),
            List.of(
                new SubmissionAuth(login, rate),
                new SubmissionRecipients(directory),
                new SubmissionDelivery(client, directory, publisher, clock, random)));
    SubmissionServer submission = new SubmissionServer(server);
    LOG.info(
        "Sealpost SMTP submission listening on {}:{} (plain, no TLS yet; AUTH PLAIN/LOGIN, SIZE {})"
            + " for {}",
        settings.host(),
        submission.port(),
        settings.maxMessageBytes(),
        settings.homeServer());
    return submission;
  }

  public int port() {
    return server.getListenAddresses().get(0).getPort();
  }

  @Override
  public void close() {
    server.unbind();
  }
}
