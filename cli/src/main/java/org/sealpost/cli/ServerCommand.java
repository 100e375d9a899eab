package org.sealpost.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.sealpost.server.HomeServer;
import org.sealpost.server.config.ConfigException;
import org.sealpost.server.config.ConfigLoader;
import org.sealpost.server.config.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sealpost server}: runs the home server alone until SIGTERM or Ctrl-C. */
@Command(
    name = "server",
    description = {
      "Runs the home server (client API, storage) until stopped with SIGTERM or Ctrl-C.",
      "Settings: defaults < DATA/sealpost.properties (or --config) < SEALPOST_* environment"
          + " variables < these flags. See docs/configuration.md."
    })
final class ServerCommand implements Callable<Integer> {
  @Mixin ServerOptions options;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "A properties file (default: DATA/sealpost.properties if present).")
  Path config;

  @Override
  public Integer call() throws Exception {
    HomeServer server = start(load(options, config));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "sealpost-shutdown"));
    stopped.await();
    return 0;
  }

  static ServerConfig load(ServerOptions options, Path configFile)
      throws ConfigException, UserError {
    Path data = options.data;
    ConfigLoader loader = new ConfigLoader().set("data-dir", data.toString(), "--data");
    Path file = configFile != null ? configFile : data.resolve(ConfigLoader.FILE_NAME);
    if (configFile != null && !Files.isRegularFile(configFile)) {
      throw new UserError("no such configuration file: " + configFile);
    }
    if (Files.isRegularFile(file)) {
      loader.file(file);
    }
    loader.environment(System.getenv());
    loader.set("data-dir", data.toString(), "--data"); // flags win over the file and environment
    loader.set("domain", options.domain, "--domain");
    loader.set(
        "http.port", options.httpPort == null ? null : options.httpPort.toString(), "--http-port");
    return loader.load();
  }

  static HomeServer start(ServerConfig config) throws UserError {
    try {
      return HomeServer.start(config, Clock.systemUTC());
    } catch (HomeServer.StartupException e) {
      throw new UserError(e.getMessage());
    }
  }
}
