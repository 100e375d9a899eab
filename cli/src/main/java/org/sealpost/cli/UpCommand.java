package org.sealpost.cli;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.sealpost.bridge.BridgeAccounts;
import org.sealpost.bridge.BridgeAdmin;
import org.sealpost.bridge.BridgePassword;
import org.sealpost.bridge.Enrollment;
import org.sealpost.bridge.imap.ImapBridge;
import org.sealpost.bridge.tls.TlsException;
import org.sealpost.bridge.tls.TlsIdentity;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.secret.PassphraseBox;
import org.sealpost.server.HomeServer;
import org.sealpost.server.config.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sealpost up}: the home server and the bridges in one process, on the embedded database
 * under the data directory. Stops cleanly on SIGTERM or Ctrl-C.
 */
@Command(
    name = "up",
    description = {
      "Runs everything in one process on the embedded database: the home server and the bridge.",
      "Then create an account with: sealpost account create --data DIR --wallet-key-file FILE"
    })
final class UpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ServerOptions options;

  @Option(
      names = "--imap-port",
      paramLabel = "N",
      defaultValue = "1143",
      description = "IMAP port (default: ${DEFAULT-VALUE}).")
  int imapPort;

  @Option(
      names = "--imaps-port",
      paramLabel = "N",
      defaultValue = "1993",
      description = "IMAP over implicit TLS port (default: ${DEFAULT-VALUE}).")
  int imapsPort;

  @Option(
      names = "--smtp-port",
      paramLabel = "N",
      defaultValue = "2525",
      description = "Inbound SMTP port (default: ${DEFAULT-VALUE}).")
  int smtpPort;

  @Option(
      names = "--submission-port",
      paramLabel = "N",
      defaultValue = "1587",
      description = "SMTP submission port (default: ${DEFAULT-VALUE}).")
  int submissionPort;

  /**
   * Reserved: parsed and documented now; the SMTP bridge (issue 5) listens on it with {@code tls}.
   */
  @Option(
      names = "--submissions-port",
      paramLabel = "N",
      defaultValue = "1465",
      description =
          "SMTP submission over implicit TLS port, for the SMTP bridge (default: ${DEFAULT-VALUE}).")
  int submissionsPort;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = {
        "The bridges' certificate chain, PEM, server certificate first.",
        "Default: a self-signed certificate generated in DATA/bridge/tls/ and kept."
      })
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "The private key of --tls-cert, unencrypted PKCS#8 PEM.")
  Path tlsKey;

  @Option(
      names = "--max-message-bytes",
      paramLabel = "N",
      description =
          "Largest message the SMTP listeners accept (SIZE; default: what fits the server's"
              + " envelope limit).")
  Long maxMessageBytes;

  /** The bridges bind here: loopback, so local clients may also log in without TLS. */
  private static final String BRIDGE_HOST = "127.0.0.1";

  @Override
  public Integer call() throws Exception {
    ServerConfig config = ServerCommand.load(options, null);
    SecureRandom random = new SecureRandom();
    Clock clock = Clock.systemUTC();
    TlsIdentity tls = tls(config); // first: a bad certificate stops before anything listens
    HomeServer server = ServerCommand.start(config);
    spec.commandLine()
        .getOut()
        .printf(
            "Bridge TLS certificate %s%n  SHA-256 %s%n  (compare with what your mail client"
                + " shows before trusting it)%n",
            tls.certificateFile(), tls.fingerprint())
        .flush();
    SealpostClient client =
        new SealpostClient(URI.create("http://127.0.0.1:" + server.httpPort()), clock);
    Enrollment enrollment =
        new Enrollment(
            config.domain(),
            client,
            new BridgeAccounts(options.data),
            clock,
            random,
            BridgePassword.RECOMMENDED,
            PassphraseBox.RECOMMENDED);
    BridgeAdmin admin =
        BridgeAdmin.start(
            options.data,
            enrollment,
            credentials ->
                AccountCommand.describe(
                    credentials,
                    config.domain().name(),
                    imapPort,
                    imapsPort,
                    submissionPort,
                    submissionsPort,
                    tls.fingerprint()),
            random);
    ImapBridge imap =
        ImapBridge.start(
            new ImapBridge.Settings(
                options.data,
                BRIDGE_HOST,
                imapPort,
                URI.create("http://127.0.0.1:" + server.httpPort()),
                // the home server's database (its own imap_* tables): the H2 file of the data
                // directory by default, opened a second time in this process
                new ImapBridge.Storage(
                    config.database().jdbcUrl(),
                    config.database().user(),
                    config.database().password(),
                    config.database().poolSize()),
                Optional.of(new ImapBridge.Tls(tls, imapsPort))),
            clock);
    SmtpListeners smtp =
        SmtpListeners.start(
            server,
            config,
            options.data,
            tls,
            submissionPort,
            submissionsPort,
            smtpPort,
            maxMessageBytes,
            clock);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  admin.close();
                  smtp.close();
                  imap.close();
                  server.close();
                  stopped.countDown();
                },
                "sealpost-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * The operator's certificate, or the one generated for the mail domain and the bind host; a
   * generated key is sealed under the server key's passphrase when one is configured.
   */
  private TlsIdentity tls(ServerConfig config) throws UserError {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UserError(
          tlsCert == null
              ? "--tls-key needs --tls-cert (the certificate chain of that key)"
              : "--tls-cert needs --tls-key (the private key of that certificate)");
    }
    TlsIdentity.Settings settings =
        (tlsCert != null
                ? TlsIdentity.Settings.configured(tlsCert, tlsKey)
                : TlsIdentity.Settings.generated(config.domain().name(), BRIDGE_HOST))
            .withPassphrase(config.serverKey().passphrase().map(String::toCharArray));
    try {
      return TlsIdentity.loadOrCreate(options.data, settings);
    } catch (TlsException e) {
      throw new UserError(e.getMessage());
    }
  }
}
