package org.sealpost.cli;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.sealpost.bridge.BridgeAccounts;
import org.sealpost.bridge.BridgeAdmin;
import org.sealpost.bridge.BridgePassword;
import org.sealpost.bridge.Enrollment;
import org.sealpost.bridge.imap.ImapBridge;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.secret.PassphraseBox;
import org.sealpost.server.HomeServer;
import org.sealpost.server.config.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
  @Mixin ServerOptions options;

  @Option(
      names = "--imap-port",
      paramLabel = "N",
      defaultValue = "1143",
      description = "IMAP port (default: ${DEFAULT-VALUE}).")
  int imapPort;

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

  @Option(
      names = "--max-message-bytes",
      paramLabel = "N",
      description =
          "Largest message the SMTP listeners accept (SIZE; default: what fits the server's"
              + " envelope limit).")
  Long maxMessageBytes;

  @Override
  public Integer call() throws Exception {
    ServerConfig config = ServerCommand.load(options, null);
    HomeServer server = ServerCommand.start(config);
    SecureRandom random = new SecureRandom();
    Clock clock = Clock.systemUTC();
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
                    credentials, config.domain().name(), imapPort, submissionPort),
            random);
    ImapBridge imap =
        ImapBridge.start(
            new ImapBridge.Settings(
                options.data,
                "127.0.0.1",
                imapPort,
                URI.create("http://127.0.0.1:" + server.httpPort())),
            clock);
    SmtpListeners smtp =
        SmtpListeners.start(
            server, config, options.data, submissionPort, smtpPort, maxMessageBytes, clock);
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
}
