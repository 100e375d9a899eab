package org.sealpost.server.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.sealpost.identity.Domain;

/**
 * Everything a home server is configured with, validated. Built by {@link ConfigLoader} from the
 * defaults, a properties file, environment variables and command-line flags (docs/configuration.md
 * lists every key).
 */
public record ServerConfig(
    Domain domain,
    Path dataDir,
    Http http,
    Database database,
    Limits limits,
    MailClients mail,
    ServerKey serverKey) {

  public ServerConfig {
    requireNonNull(domain, "domain");
    requireNonNull(dataDir, "dataDir");
    requireNonNull(http, "http");
    requireNonNull(database, "database");
    requireNonNull(limits, "limits");
    requireNonNull(mail, "mail");
    requireNonNull(serverKey, "serverKey");
  }

  /** How the server key is kept: encrypted under a passphrase if one is set (a secret). */
  public record ServerKey(Optional<String> passphrase) {
    @Override
    public String toString() {
      return "ServerKey[passphrase=" + (passphrase.isPresent() ? "(set)" : "(none)") + "]";
    }
  }

  /** Where the HTTP API listens and the URL clients reach it at. */
  public record Http(String host, int port, URI publicUrl, Duration shutdownGrace) {}

  /**
   * The database. Without a JDBC URL the server uses the embedded H2 file database under the data
   * directory. The password is a secret: never logged, not part of {@link #toString()}.
   */
  public record Database(Optional<String> jdbcUrl, String user, String password, int poolSize) {
    @Override
    public String toString() {
      return "Database[url="
          + jdbcUrl.orElse("(embedded H2)")
          + ", user="
          + user
          + ", pool="
          + poolSize
          + "]";
    }
  }

  /** Limits that protect the server and its users; each refusal says which one was hit. */
  public record Limits(
      long maxEnvelopeBytes,
      int maxInstallationsPerAccount,
      double installationRequestsPerSecond,
      int installationBurst,
      double ipRequestsPerSecond,
      int ipBurst,
      Duration authClockSkew,
      int maxInboxPageSize,
      double submissionsPerMinute,
      int submissionBurst) {}

  /** How mail clients reach this deployment's bridges, for Thunderbird autoconfig. */
  public record MailClients(Endpoint imap, Endpoint smtp) {}

  /** A host, a port and {@code SSL} (implicit TLS), {@code STARTTLS} or {@code plain}. */
  public record Endpoint(String host, int port, String socketType) {}
}
