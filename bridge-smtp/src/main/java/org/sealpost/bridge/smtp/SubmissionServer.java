package org.sealpost.bridge.smtp;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.netty.NettyServer;
import org.sealpost.bridge.BridgeAccounts;
import org.sealpost.bridge.BridgeLogin;
import org.sealpost.bridge.LoginLimiter;
import org.sealpost.bridge.tls.PlainLogin;
import org.sealpost.bridge.tls.TlsIdentity;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.Domain;
import org.sealpost.identity.installation.BundleVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP submission bridge (RFC 6409): a mail client logs in with an account's bridge password
 * and sends to wallet addresses; the bridge seals one envelope per recipient account plus the Sent
 * copy with the account's installation and publishes them to the home server.
 *
 * <p>With {@link Settings#tls()} the port offers STARTTLS (RFC 3207) and a second listener speaks
 * implicit TLS (RFC 8314), both with the same handlers. AUTH before TLS is allowed on a loopback
 * bind only (local clients); on any other bind it is refused with 530 and not announced. See
 * docs/adr/0007-smtp-bridge.md, docs/adr/0006-bridge-tls.md and docs/sending.md.
 */
public final class SubmissionServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SubmissionServer.class);

  /**
   * Where to listen and whom to serve.
   *
   * @param dataDir the data directory whose {@code bridge/accounts} may log in
   * @param domain this deployment's mail domain (greeting, generated Message-IDs, reports)
   * @param host the address to bind, e.g. 127.0.0.1; off loopback AUTH needs TLS first
   * @param port the port, 0 for any free one
   * @param homeServer the home server's client API base URL
   * @param maxMessageBytes the SIZE limit; see {@link #maxMessageBytes(long, int)}
   * @param rate how many messages an account may send
   * @param retry how hard to try publishing an envelope before reporting it failed
   * @param tls STARTTLS on {@code port} and a second, implicit-TLS listener; empty: plain only,
   *     which {@link SubmissionServer#start} refuses on a non-loopback {@code host}
   */
  public record Settings(
      Path dataDir,
      Domain domain,
      String host,
      int port,
      URI homeServer,
      long maxMessageBytes,
      SendRate.Limit rate,
      Publisher.Retry retry,
      Optional<Tls> tls) {
    public Settings {
      requireNonNull(dataDir, "dataDir");
      requireNonNull(domain, "domain");
      requireNonNull(host, "host");
      requireNonNull(homeServer, "homeServer");
      requireNonNull(rate, "rate");
      requireNonNull(retry, "retry");
      requireNonNull(tls, "tls");
      if (maxMessageBytes < 1024) {
        throw new IllegalArgumentException(
            "maxMessageBytes: " + maxMessageBytes + " (expected: >= 1024)");
      }
    }

    /** Whether clients may log in without TLS: only when nothing but this machine can connect. */
    boolean authWithoutTls() {
      return PlainLogin.allowedOn(host);
    }

    /**
     * Defaults: 30 messages at once, then 30 a minute; 4 publish attempts from 1 s apart; no TLS
     * (for a loopback {@code host}; see {@link #withTls}).
     */
    public static Settings of(
        Path dataDir, Domain domain, String host, int port, URI homeServer, long maxMessageBytes) {
      return new Settings(
          dataDir,
          domain,
          host,
          port,
          homeServer,
          maxMessageBytes,
          new SendRate.Limit(30, 30),
          new Publisher.Retry(4, Duration.ofSeconds(1)),
          Optional.empty());
    }

    public Settings withRate(double messagesPerMinute, int messageBurst) {
      return new Settings(
          dataDir,
          domain,
          host,
          port,
          homeServer,
          maxMessageBytes,
          new SendRate.Limit(messagesPerMinute, messageBurst),
          retry,
          tls);
    }

    public Settings withRetry(int publishAttempts, Duration firstRetryDelay) {
      return new Settings(
          dataDir,
          domain,
          host,
          port,
          homeServer,
          maxMessageBytes,
          rate,
          new Publisher.Retry(publishAttempts, firstRetryDelay),
          tls);
    }

    /** STARTTLS on {@code port} and implicit TLS on {@code implicitPort} (0: any free one). */
    public Settings withTls(TlsIdentity identity, int implicitPort) {
      return new Settings(
          dataDir,
          domain,
          host,
          port,
          homeServer,
          maxMessageBytes,
          rate,
          retry,
          Optional.of(new Tls(identity, implicitPort)));
    }
  }

  /**
   * The TLS side of submission.
   *
   * @param identity the certificate and key served on both listeners
   * @param implicitPort the implicit-TLS port (submissions, RFC 8314), 0 for any free one
   */
  public record Tls(TlsIdentity identity, int implicitPort) {
    public Tls {
      requireNonNull(identity, "identity");
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
  private final Optional<NettyServer> implicitTls;

  private SubmissionServer(NettyServer server, Optional<NettyServer> implicitTls) {
    this.server = server;
    this.implicitTls = implicitTls;
  }

  public static SubmissionServer start(Settings settings, Clock clock) throws Exception {
    requireNonNull(settings, "settings");
    requireNonNull(clock, "clock");
    if (settings.tls().isEmpty() && !settings.authWithoutTls()) {
      throw new IllegalArgumentException(
          "host: "
              + settings.host()
              + " without TLS (expected: a loopback address, or TLS settings)");
    }
    SecureRandom random = new SecureRandom();
    SealpostClient client = new SealpostClient(settings.homeServer(), clock);
    RecipientDirectory directory = new RecipientDirectory(client, new BundleVerifier(clock));
    BridgeLogin login =
        new BridgeLogin(new BridgeAccounts(settings.dataDir()), new LoginLimiter(clock), random);
    SendRate rate = new SendRate(settings.rate(), clock);
    Publisher publisher = new Publisher(settings.retry());
    // one set of hooks for both listeners: one send rate, one login limiter per account
    List<ProtocolHandler> hooks =
        List.of(
            new SubmissionAuth(login, rate),
            new SubmissionRecipients(directory),
            new SubmissionDelivery(client, directory, publisher, clock, random));
    SmtpStack.Config config =
        new SmtpStack.Config(
            settings.domain(),
            "submission",
            settings.maxMessageBytes(),
            true,
            settings.authWithoutTls());
    NettyServer server =
        SmtpStack.listen(
            settings.host(),
            settings.port(),
            config,
            hooks,
            settings.tls().map(tls -> SmtpStack.startTls(tls.identity())));
    Optional<NettyServer> implicitTls = Optional.empty();
    if (settings.tls().isPresent()) {
      Tls tls = settings.tls().get();
      try {
        implicitTls =
            Optional.of(
                SmtpStack.listen(
                    settings.host(),
                    tls.implicitPort(),
                    config,
                    hooks,
                    Optional.of(SmtpStack.implicitTls(tls.identity()))));
      } catch (Exception e) {
        server.unbind(); // e.g. the implicit-TLS port is taken: leave nothing listening
        throw e;
      }
    }
    SubmissionServer submission = new SubmissionServer(server, implicitTls);
    if (settings.tls().isPresent()) {
      LOG.info(
          "Sealpost SMTP submission listening on {}:{} (STARTTLS{}) and {}:{} (implicit TLS);"
              + " AUTH PLAIN/LOGIN, SIZE {}, for {}; certificate SHA-256 {}",
          settings.host(),
          submission.port(),
          settings.authWithoutTls() ? ", AUTH without TLS allowed on loopback" : " before AUTH",
          settings.host(),
          submission.implicitTlsPort().getAsInt(),
          settings.maxMessageBytes(),
          settings.homeServer(),
          settings.tls().get().identity().fingerprint());
    } else {
      LOG.info(
          "Sealpost SMTP submission listening on {}:{} (plain, no TLS; AUTH PLAIN/LOGIN, SIZE {})"
              + " for {}",
          settings.host(),
          submission.port(),
          settings.maxMessageBytes(),
          settings.homeServer());
    }
    return submission;
  }

  public int port() {
    return server.getListenAddresses().get(0).getPort();
  }

  /** The implicit-TLS port, when TLS is configured. */
  public OptionalInt implicitTlsPort() {
    return implicitTls
        .map(listener -> OptionalInt.of(listener.getListenAddresses().get(0).getPort()))
        .orElse(OptionalInt.empty());
  }

  @Override
  public void close() {
    implicitTls.ifPresent(NettyServer::unbind);
    server.unbind();
  }
}
