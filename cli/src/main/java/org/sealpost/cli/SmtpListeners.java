package org.sealpost.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.sealpost.bridge.smtp.GatewayDeposit;
import org.sealpost.bridge.smtp.GatewayServer;
import org.sealpost.bridge.smtp.SubmissionServer;
import org.sealpost.bridge.tls.TlsIdentity;
import org.sealpost.identity.envelope.Author;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.server.HomeServer;
import org.sealpost.server.Problem;
import org.sealpost.server.config.ServerConfig;

/**
 * The SMTP bridge's listeners for {@code sealpost up}: submission for the accounts of this data
 * directory (on loopback: STARTTLS, implicit TLS on a second port, AUTH without TLS allowed for
 * local clients) and the inbound gateway for mail from the legacy internet (on the HTTP API's host,
 * STARTTLS offered), its deposit implemented by the home server beside it. One TLS identity serves
 * them all, the IMAP bridge's.
 */
final class SmtpListeners implements AutoCloseable {
  private final SubmissionServer submission;
  private final GatewayServer gateway;

  private SmtpListeners(SubmissionServer submission, GatewayServer gateway) {
    this.submission = submission;
    this.gateway = gateway;
  }

  static SmtpListeners start(
      HomeServer server,
      ServerConfig config,
      Path data,
      TlsIdentity tls,
      int submissionPort,
      int submissionsPort,
      int gatewayPort,
      Long maxMessageBytes,
      Clock clock)
      throws Exception {
    URI api = URI.create("http://127.0.0.1:" + server.httpPort());
    long max =
        maxMessageBytes != null
            ? maxMessageBytes
            : SubmissionServer.maxMessageBytes(
                config.limits().maxEnvelopeBytes(), config.limits().maxInstallationsPerAccount());
    SubmissionServer submission =
        SubmissionServer.start(
            SubmissionServer.Settings.of(
                    data, config.domain(), "127.0.0.1", submissionPort, api, max)
                .withTls(tls, submissionsPort)
                .withRate(
                    config.limits().submissionsPerMinute(), config.limits().submissionBurst()),
            clock);
    GatewayServer gateway;
    try {
      gateway =
          GatewayServer.start(
              new GatewayServer.Settings(
                  config.http().host(), gatewayPort, api, max, Optional.of(tls)),
              deposit(server, new Author.Gateway(config.domain(), server.serverKey())),
              clock);
    } catch (Exception e) {
      submission.close(); // e.g. the gateway's port is taken: leave nothing listening
      throw e;
    }
    return new SmtpListeners(submission, gateway);
  }

  /** The gateway's port on the running home server: its key, its inboxes. */
  static GatewayDeposit deposit(HomeServer server, Author.Gateway author) {
    return new GatewayDeposit() {
      @Override
      public Author.Gateway author() {
        return author;
      }

      @Override
      public void deposit(Envelope envelope) throws DepositException {
        try {
          server.depositGatewayMail(envelope);
        } catch (Problem | IllegalStateException e) {
          throw new DepositException(e.getMessage(), e);
        }
      }
    };
  }

  @Override
  public void close() {
    gateway.close();
    submission.close();
  }
}
