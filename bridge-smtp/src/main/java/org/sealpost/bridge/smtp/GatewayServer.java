package org.sealpost.bridge.smtp;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.apache.james.protocols.netty.NettyServer;
import org.sealpost.bridge.tls.TlsIdentity;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.Domain;
import org.sealpost.identity.installation.BundleVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound SMTP gateway (the MX role, PROTOCOL.md §5): ordinary mail servers deliver mail for
 * this domain's wallet accounts; it is sealed on arrival with the server key and only the envelope
 * is stored. No AUTH, no relaying; STARTTLS offered, never required. See docs/gateway.md and
 * docs/adr/0007-smtp-bridge.md.
 */
public final class GatewayServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

  /**
   * Where to listen.
   *
   * @param host the address to bind (0.0.0.0 to take mail from the internet)
   * @param port the port, 0 for any free one
   * @param homeServer the home server's client API base URL, for looking up recipients' bundles
   * @param maxMessageBytes the SIZE limit
   * @param tls STARTTLS offered with this identity (opportunistic, RFC 3207: never required, as
   *     other mail servers may not speak it); empty: plain only
   */
  public record Settings(
      String host, int port, URI homeServer, long maxMessageBytes, Optional<TlsIdentity> tls) {
    public Settings {
      requireNonNull(host, "host");
      requireNonNull(homeServer, "homeServer");
      requireNonNull(tls, "tls");
      if (maxMessageBytes < 1024) {
        throw new IllegalArgumentException(
            "maxMessageBytes: " + maxMessageBytes + " (expected: >= 1024)");
      }
    }

    /** Plain SMTP only, no STARTTLS. */
    public Settings(String host, int port, URI homeServer, long maxMessageBytes) {
      this(host, port, homeServer, maxMessageBytes, Optional.empty());
    }
  }

  private final NettyServer server;

  private GatewayServer(NettyServer server) {
    this.server = server;
  }

  public static GatewayServer start(Settings settings, GatewayDeposit deposit, Clock clock)
      throws Exception {
    requireNonNull(settings, "settings");
    requireNonNull(deposit, "deposit");
    requireNonNull(clock, "clock");
    Domain domain = deposit.author().domain();
    RecipientDirectory directory =
        new RecipientDirectory(
            new SealpostClient(settings.homeServer(), clock), new BundleVerifier(clock));
    NettyServer server =
        SmtpStack.listen(
            settings.host(),
            settings.port(),
            new SmtpStack.Config(domain, "gateway", settings.maxMessageBytes(), false, false),
            List.of(
                new GatewayRecipients(domain, directory),
                new GatewayDelivery(deposit, clock, new SecureRandom())),
            settings.tls().map(SmtpStack::startTls));
    GatewayServer gateway = new GatewayServer(server);
    LOG.info(
        "Sealpost SMTP gateway (MX) for @{} listening on {}:{} ({}; SIZE {})",
        domain,
        settings.host(),
        gateway.port(),
        settings.tls().isPresent() ? "STARTTLS offered" : "plain, no TLS",
        settings.maxMessageBytes());
    return gateway;
  }

  public int port() {
    return server.getListenAddresses().get(0).getPort();
  }

  @Override
  public void close() {
    server.unbind();
  }
}
