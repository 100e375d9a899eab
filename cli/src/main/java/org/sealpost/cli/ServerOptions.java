package org.sealpost.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options {@code server} and {@code up} share: where the data lives and how it is reached. */
final class ServerOptions {
  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "Data directory (created if missing).")
  Path data;

  @Option(
      names = "--domain",
      paramLabel = "DOMAIN",
      description = "This server's mail domain (default: localhost).")
  String domain;

  @Option(names = "--http-port", paramLabel = "N", description = "HTTP API port (default: 8080).")
  Integer httpPort;
}
