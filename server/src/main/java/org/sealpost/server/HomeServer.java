package org.sealpost.server;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import org.sealpost.database.Database;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.identity.installation.SigningKeys;
import org.sealpost.identity.secret.PassphraseBox;
import org.sealpost.server.config.ServerConfig;
import org.sealpost.server.consent.Consent;
import org.sealpost.server.directory.Directory;
import org.sealpost.server.http.ApiServer;
import org.sealpost.server.inbox.Inboxes;
import org.sealpost.server.store.jpa.JpaBundleDirectory;
import org.sealpost.server.store.jpa.JpaConsentStore;
import org.sealpost.server.store.jpa.JpaEnvelopeStore;
import org.sealpost.server.store.jpa.JpaOutboundQueue;
import org.sealpost.server.store.jpa.ServerDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running home server: the database (migrated on start), the server key, and the HTTP API.
 * Closing it stops the API gracefully (requests in flight finish) and then closes the database, so
 * nothing acknowledged is lost and nothing is half-written.
 */
public final class HomeServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HomeServer.class);

  private final Database database;
  private final ApiServer api;
  private final SigningKeys serverKey;
  private final Inboxes inboxes;

  private HomeServer(Database database, ApiServer api, SigningKeys serverKey, Inboxes inboxes) {
    this.database = database;
    this.api = api;
    this.serverKey = serverKey;
    this.inboxes = inboxes;
  }

  /** Why a server could not start, in a sentence for the operator. */
  public static final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    StartupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public static HomeServer start(ServerConfig config, Clock clock) throws StartupException {
    requireNonNull(config, "config");
    requireNonNull(clock, "clock");
    SigningKeys serverKey = loadServerKey(config);
    Database database = openDatabase(config);
    try {
      Directory directory =
          new Directory(
              config.domain(),
              new JpaBundleDirectory(database),
              clock,
              config.limits().maxInstallationsPerAccount());
      Consent consent = new Consent(new JpaConsentStore(database));
      Inboxes inboxes =
          new Inboxes(
              directory,
              consent,
              new JpaEnvelopeStore(database),
              new JpaOutboundQueue(database),
              clock);
      ApiServer api =
          new ApiServer(
                  new ApiServer.Services(
                      config,
                      directory,
                      inboxes,
                      consent,
                      serverKey.publicKey(),
                      database::ready,
                      clock))
              .start();
      LOG.info(
          "Sealpost home server for {} listening on {}:{} (public URL {}), data in {}",
          config.domain(),
          config.http().host(),
          api.port(),
          config.http().publicUrl(),
          config.dataDir().toAbsolutePath());
      return new HomeServer(database, api, serverKey, inboxes);
    } catch (RuntimeException e) {
      database.close();
      throw new StartupException("the HTTP API could not start: " + rootMessage(e), e);
    }
  }

  private static SigningKeys loadServerKey(ServerConfig config) throws StartupException {
    Optional<char[]> passphrase = config.serverKey().passphrase().map(String::toCharArray);
    try {
      SigningKeys keys = ServerKey.loadOrCreate(config.dataDir(), passphrase);
      if (passphrase.isEmpty()) {
        LOG.warn(
            "The server key in {} is protected by file permissions only; set"
                + " SEALPOST_SERVER_KEY_PASSPHRASE to keep it encrypted at rest",
            config.dataDir().resolve(ServerKey.FILE).toAbsolutePath());
      }
      return keys;
    } catch (IOException | MalformedException | PassphraseBox.WrongPassphraseException e) {
      throw new StartupException("cannot load the server key: " + e.getMessage(), e);
    }
  }

  private static Database openDatabase(ServerConfig config) throws StartupException {
    ServerConfig.Database db = config.database();
    try {
      return db.jdbcUrl().isPresent()
          ? ServerDatabase.open(db.jdbcUrl().get(), db.user(), db.password(), db.poolSize())
          : ServerDatabase.h2File(config.dataDir());
    } catch (RuntimeException e) {
      // The URL is not repeated here: it may carry a password.
      String which = db.jdbcUrl().isPresent() ? "the configured database" : "the embedded database";
      throw new StartupException("cannot open " + which + ": " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  public int httpPort() {
    return api.port();
  }

  public SigningKeys serverKey() {
    return serverKey;
  }

  /**
   * Stores an envelope this server sealed as a mail gateway (PROTOCOL.md §5, the SMTP bridge's MX
   * role) for an account homed here; committed when this returns, as for {@code POST
   * /v1/envelopes}.
   *
   * @throws Problem {@code unknown_recipient} if the recipient has no inbox here
   */
  public void depositGatewayMail(Envelope envelope) {
    inboxes.deposit(envelope);
  }

  @Override
  public void close() {
    api.close();
    database.close();
    LOG.info("Sealpost home server stopped");
  }
}
