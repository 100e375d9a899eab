package org.sealpost.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.sealpost.bridge.imap.ImapBridge;
import org.sealpost.bridge.smtp.SubmissionServer;
import org.sealpost.bridge.tls.TlsIdentity;
import org.sealpost.client.SealpostClient;
import org.sealpost.server.config.ConfigLoader;
import org.sealpost.server.config.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sealpost bridge}: the bridges alone, against a remote home server, with the accounts' keys
 * and the mailboxes in this machine's data directory. Stops cleanly on SIGTERM or Ctrl-C.
 */
@Command(
    name = "bridge",
    description = {
      "Runs the bridges alone (IMAP and SMTP submission, on 127.0.0.1) against a remote home"
          + " server: the accounts' keys and mailboxes stay in DIR, on this machine.",
      "No inbound gateway (mail from the legacy internet): that runs beside the home server.",
      "Then create an account with: sealpost account create --data DIR --wallet-key-file FILE"
    })
final class BridgeCommand extends BridgeListenerOptions implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--server",
      required = true,
      paramLabel = "URL",
      description = "The home server's client API, e.g. https://mail.example.org")
  URI server;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description =
          "This bridge's data directory: accounts' keys, mailboxes, TLS certificate (created if"
              + " missing).")
  Path data;

  @Override
  public Integer call() throws Exception {
    Clock clock = Clock.systemUTC();
    // first: a wrong URL or a bad certificate stops before anything listens
    SealpostClient.ServerInfo info = HomeServerLookup.serverInfo(server, clock);
    TlsIdentity tls = tls(data, info.domain().name(), Optional.empty());
    announce(spec.commandLine().getOut(), tls);
    Bridges bridges =
        Bridges.start(
            new Bridges.Settings(
                data,
                info.domain(),
                server,
                BRIDGE_HOST,
                ports(),
                tls,
                ImapBridge.Storage.EMBEDDED,
                OptionalLong.of(maxMessageBytes != null ? maxMessageBytes : defaultMaxMessage())),
            clock);
    spec.commandLine()
        .getOut()
        .printf("Bridging %s for @%s; keys and mailboxes in %s%n", server, info.domain(), data)
        .flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  bridges.close();
                  stopped.countDown();
                },
                "sealpost-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * What fits a home server's default envelope limit: the well-known document does not tell a
   * server's own limit, and a larger envelope is refused by the server with a report to the sender.
   */
  private static long defaultMaxMessage() throws Exception {
    ServerConfig.Limits defaults = new ConfigLoader().load().limits();
    return SubmissionServer.maxMessageBytes(
        defaults.maxEnvelopeBytes(), defaults.maxInstallationsPerAccount());
  }
}
