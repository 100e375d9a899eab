package org.sealpost.cli;

import java.net.URI;
import java.time.Clock;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.sealpost.bridge.imap.ImapBridge;
import org.sealpost.bridge.tls.TlsIdentity;
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
final class UpCommand extends BridgeListenerOptions implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ServerOptions options;

  @Option(
      names = "--smtp-port",
      paramLabel = "N",
      defaultValue = "2525",
      description = "Inbound SMTP port (default: ${DEFAULT-VALUE}).")
  int smtpPort;

  @Override
  public Integer call() throws Exception {
    ServerConfig config = ServerCommand.load(options, null);
    Clock clock = Clock.systemUTC();
    // first: a bad certificate stops before anything listens
    TlsIdentity tls =
        tls(
            options.data,
            config.domain().name(),
            config.serverKey().passphrase().map(String::toCharArray));
    HomeServer server = ServerCommand.start(config);
    announce(spec.commandLine().getOut(), tls);
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
    Bridges bridges =
        Bridges.start(
            new Bridges.Settings(
                options.data,
                config.domain(),
                URI.create("http://127.0.0.1:" + server.httpPort()),
                config.domain().name(),
                ports(),
                tls,
                // the home server's database (its own imap_* tables): the H2 file of the data
                // directory by default, opened a second time in this process
                new ImapBridge.Storage(
                    config.database().jdbcUrl(),
                    config.database().user(),
                    config.database().password(),
                    config.database().poolSize()),
                // SmtpListeners runs submission beside the gateway, which needs the server's key
                OptionalLong.empty()),
            clock);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  bridges.close();
                  smtp.close();
                  server.close();
                  stopped.countDown();
                },
                "sealpost-shutdown"));
    stopped.await();
    return 0;
  }
}
