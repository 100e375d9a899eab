package org.sealpost.cli;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;
import org.sealpost.bridge.BridgeAccounts;
import org.sealpost.bridge.BridgeAdmin;
import org.sealpost.bridge.BridgePassword;
import org.sealpost.bridge.Enrollment;
import org.sealpost.bridge.imap.ImapBridge;
import org.sealpost.bridge.smtp.SubmissionServer;
import org.sealpost.bridge.tls.TlsIdentity;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.Domain;
import org.sealpost.identity.secret.PassphraseBox;

/**
 * The bridges a user's mail clients talk to, beside the keys of the accounts they serve (in {@code
 * DATA/bridge/accounts}): the admin channel that {@code sealpost account create} uses, the IMAP
 * bridge and, when asked, SMTP submission. {@code up} (next to its home server) and {@code bridge}
 * (against a remote one) both start them here, so the two cannot drift.
 */
final class Bridges implements AutoCloseable {
  /** The ports the bridges listen on, on {@link BridgeListenerOptions#BRIDGE_HOST}. */
  record Ports(int imap, int imaps, int submission, int submissions) {}

  /**
   * What to start.
   *
   * @param data the data directory holding the accounts' keys, the TLS identity and the admin file
   * @param domain the home server's mail domain
   * @param homeServer the home server's client API
   * @param clientHost the host name the account's mail settings tell clients to connect to
   * @param storage where the IMAP bridge keeps mailboxes
   * @param submissionMaxBytes present: start SMTP submission here with this SIZE limit; empty: the
   *     caller runs submission itself ({@code up} starts it beside the inbound gateway)
   */
  record Settings(
      Path data,
      Domain domain,
      URI homeServer,
      String clientHost,
      Ports ports,
      TlsIdentity tls,
      ImapBridge.Storage storage,
      OptionalLong submissionMaxBytes) {}

  private final BridgeAdmin admin;
  private final ImapBridge imap;
  private final Optional<SubmissionServer> submission;

  private Bridges(BridgeAdmin admin, ImapBridge imap, Optional<SubmissionServer> submission) {
    this.admin = admin;
    this.imap = imap;
    this.submission = submission;
  }

  static Bridges start(Settings settings, Clock clock) throws Exception {
    SecureRandom random = new SecureRandom();
    Ports ports = settings.ports();
    Enrollment enrollment =
        new Enrollment(
            settings.domain(),
            new SealpostClient(settings.homeServer(), clock),
            new BridgeAccounts(settings.data()),
            clock,
            random,
            BridgePassword.RECOMMENDED,
            PassphraseBox.RECOMMENDED);
    ImapBridge imap =
        ImapBridge.start(
            new ImapBridge.Settings(
                settings.data(),
                BridgeListenerOptions.BRIDGE_HOST,
                ports.imap(),
                settings.homeServer(),
                settings.storage(),
                Optional.of(new ImapBridge.Tls(settings.tls(), ports.imaps()))),
            clock);
    Optional<SubmissionServer> submission = Optional.empty();
    BridgeAdmin admin;
    try {
      if (settings.submissionMaxBytes().isPresent()) {
        // as SmtpListeners does for up: STARTTLS, and implicit TLS on the second port
        submission =
            Optional.of(
                SubmissionServer.start(
                    SubmissionServer.Settings.of(
                            settings.data(),
                            settings.domain(),
                            BridgeListenerOptions.BRIDGE_HOST,
                            ports.submission(),
                            settings.homeServer(),
                            settings.submissionMaxBytes().getAsLong())
                        .withTls(settings.tls(), ports.submissions()),
                    clock));
      }
      // last: its file in the data directory tells 'account create' the bridges are up
      admin =
          BridgeAdmin.start(
              settings.data(),
              enrollment,
              credentials ->
                  AccountCommand.describe(
                      credentials,
                      settings.clientHost(),
                      ports.imap(),
                      ports.imaps(),
                      ports.submission(),
                      ports.submissions(),
                      settings.tls().fingerprint()),
              random);
    } catch (Exception | Error e) {
      submission.ifPresent(SubmissionServer::close);
      imap.close();
      throw e;
    }
    return new Bridges(admin, imap, submission);
  }

  @Override
  public void close() {
    admin.close();
    submission.ifPresent(SubmissionServer::close);
    imap.close();
  }
}
