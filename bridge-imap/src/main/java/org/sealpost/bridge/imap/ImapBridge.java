package org.sealpost.bridge.imap;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.mail.Flags;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.Username;
import org.apache.james.events.InVMEventBus;
import org.apache.james.events.MemoryEventDeadLetters;
import org.apache.james.events.RetryBackoffConfiguration;
import org.apache.james.events.delivery.InVmEventDelivery;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.MailboxType;
import org.apache.james.imap.api.process.MailboxTyper;
import org.apache.james.imap.encode.main.DefaultImapEncoderFactory;
import org.apache.james.imap.main.DefaultImapDecoderFactory;
import org.apache.james.imap.processor.main.DefaultImapProcessorFactory;
import org.apache.james.imapserver.netty.IMAPServer;
import org.apache.james.imapserver.netty.ImapMetrics;
import org.apache.james.mailbox.Authorizator;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.acl.UnionMailboxACLResolver;
import org.apache.james.mailbox.events.MailboxIdRegistrationKey;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.store.JVMMailboxPathLocker;
import org.apache.james.mailbox.store.MailboxManagerConfiguration;
import org.apache.james.mailbox.store.MessageStorer;
import org.apache.james.mailbox.store.PreDeletionHooks;
import org.apache.james.mailbox.store.SessionProviderImpl;
import org.apache.james.mailbox.store.StoreMailboxAnnotationManager;
import org.apache.james.mailbox.store.StoreMailboxManager;
import org.apache.james.mailbox.store.StoreMessageManager;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.StoreSubscriptionManager;
import org.apache.james.mailbox.store.event.EventFactory;
import org.apache.james.mailbox.store.extractor.DefaultTextExtractor;
import org.apache.james.mailbox.store.mail.NaiveThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.model.impl.MessageParser;
import org.apache.james.mailbox.store.quota.DefaultUserQuotaRootResolver;
import org.apache.james.mailbox.store.quota.NoMaxQuotaManager;
import org.apache.james.mailbox.store.quota.NoQuotaManager;
import org.apache.james.mailbox.store.quota.QuotaComponents;
import org.apache.james.mailbox.store.search.SimpleMessageSearchIndex;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.metrics.logger.DefaultMetricFactory;
import org.apache.james.protocols.api.ClientAuth;
import org.apache.james.protocols.netty.Encryption;
import org.sealpost.bridge.BridgeAccount;
import org.sealpost.bridge.BridgeAccounts;
import org.sealpost.bridge.BridgeLogin;
import org.sealpost.bridge.LoginLimiter;
import org.sealpost.bridge.OwnCopy;
import org.sealpost.bridge.tls.PlainLogin;
import org.sealpost.bridge.tls.TlsIdentity;
import org.sealpost.client.InboxEntry;
import org.sealpost.client.SealpostClient;
import org.sealpost.database.Database;
import org.sealpost.identity.installation.InstallationKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IMAP bridge: Apache James 3.8.1's IMAP server (Netty) over Sealpost's mailbox backend.
 * Accounts come from {@link BridgeAccounts}; a login unlocks an account's keys and starts following
 * its inbox on the home server. See docs/adr/0004-imap-bridge.md.
 *
 * <p>With {@link Settings#tls()} the plain port offers STARTTLS (RFC 3501 §6.2.1) and a second
 * listener speaks implicit TLS (RFC 8314 §3.2), both over the same processor and mailboxes. LOGIN
 * and AUTHENTICATE without TLS are allowed on a loopback bind only (local clients); on any other
 * bind the server announces LOGINDISABLED and refuses them until STARTTLS. See
 * docs/adr/0006-bridge-tls.md.
 */
public final class ImapBridge implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ImapBridge.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** The folders every account has, in LIST order. */
  public static final List<String> FOLDERS =
      List.of("INBOX", "Requests", "Sent", "Drafts", "Trash", "Junk", "Archive");

  /**
   * Where to listen, whom to follow and where to keep the mailboxes.
   *
   * @param dataDir the data directory whose {@code bridge/accounts} this bridge serves
   * @param host the address to bind, e.g. 127.0.0.1
   * @param port the port, 0 for any free one
   * @param homeServer the home server's client API base URL
   * @param storage the database of the mailboxes
   * @param tls STARTTLS on {@code port} and an implicit-TLS listener; empty: plain only, which a
   *     non-loopback {@code host} refuses
   */
  public record Settings(
      Path dataDir, String host, int port, URI homeServer, Storage storage, Optional<Tls> tls) {
    public Settings {
      requireNonNull(dataDir, "dataDir");
      requireNonNull(host, "host");
      requireNonNull(homeServer, "homeServer");
      requireNonNull(storage, "storage");
      requireNonNull(tls, "tls");
      if (tls.isEmpty() && !PlainLogin.allowedOn(host)) {
        throw new IllegalArgumentException(
            "host: " + host + " without TLS (expected: a loopback address, or TLS settings)");
      }
    }

    /** Plain IMAP only (for a loopback {@code host}), mailboxes in the embedded database. */
    public Settings(Path dataDir, String host, int port, URI homeServer) {
      this(dataDir, host, port, homeServer, Storage.EMBEDDED, Optional.empty());
    }

    /** Whether clients may log in without TLS: only when nothing but this machine can connect. */
    boolean plainLoginAllowed() {
      return PlainLogin.allowedOn(host);
    }
  }

  /**
   * The TLS side of the bridge.
   *
   * @param identity the certificate and key served, on both listeners
   * @param implicitPort the implicit-TLS (imaps) port, 0 for any free one
   */
  public record Tls(TlsIdentity identity, int implicitPort) {
    public Tls {
      requireNonNull(identity, "identity");
    }
  }

  /**
   * The database the mailboxes are kept in: the schema of the {@code migrations} module, shared
   * with the home server (its own {@code imap_*} tables). By default the H2 file of the data
   * directory, which {@code sealpost up} shares with the home server in the same process.
   *
   * @param jdbcUrl a {@code jdbc:postgresql:} or {@code jdbc:h2:} URL; empty for the embedded H2
   *     file {@code <dataDir>/db/sealpost.mv.db}
   * @param poolSize connections kept open to a {@code jdbcUrl} (the embedded file has its own)
   */
  public record Storage(Optional<String> jdbcUrl, String user, String password, int poolSize) {
    public static final Storage EMBEDDED = new Storage(Optional.empty(), "sa", "", 8);

    public Storage {
      requireNonNull(jdbcUrl, "jdbcUrl");
      requireNonNull(user, "user");
      requireNonNull(password, "password");
    }

    Database open(Path dataDir) {
      return jdbcUrl.isPresent()
          ? Database.open(jdbcUrl.get(), user, password, poolSize, BridgeDatabase.ENTITIES)
          : Database.h2File(dataDir, BridgeDatabase.ENTITIES);
    }

    @Override
    public String toString() {
      return "Storage[" + (jdbcUrl.isPresent() ? "jdbc, user " + user : "embedded H2") + "]";
    }
  }

  private final IMAPServer server;
  private final Optional<IMAPServer> implicitTls;
  private final StoreMailboxManager mailboxes;
  private final BridgeDatabase database;
  private final SyncCursors cursors;
  private final SealpostMapperFactory mappers;
  private final InVMEventBus eventBus;
  private final MessageStore store;
  private final ConsentFiling consent;
  private final SealpostClient client;
  private final MessageId.Factory messageIds;
  private final Clock clock;
  private final Map<Username, InboxSync> syncs = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private ImapBridge(Settings settings, Clock clock, SecureRandom random, BridgeDatabase database)
      throws Exception {
    this.clock = clock;
    this.database = database;
    this.cursors = new SyncCursors(database, clock);
    this.client = new SealpostClient(settings.homeServer(), clock);
    this.store = new MessageStore(database, client, clock, random);
    this.consent = new ConsentFiling(clock, store::senderOf);
    this.mappers = new SealpostMapperFactory(database, clock, store, consent);
    this.messageIds = new SealpostMessageId.Factory(random);
    MetricFactory metrics = new DefaultMetricFactory();
    this.eventBus =
        new InVMEventBus(
            new InVmEventDelivery(metrics),
            RetryBackoffConfiguration.DEFAULT,
            new MemoryEventDeadLetters());
    BridgeAuthenticator authenticator =
        new BridgeAuthenticator(
            new BridgeLogin(
                new BridgeAccounts(settings.dataDir()), new LoginLimiter(clock), random),
            this::unlocked);
    Authorizator noDelegation = (user, other) -> Authorizator.AuthorizationState.FORBIDDEN;
    SessionProvider sessions =
        new SessionProviderImpl(authenticator, noDelegation) {
          @Override
          public AuthorizationStep authenticate(Username login, String password) {
            // one mailbox tree per account, whether the client logs in with 0x…@home or 0x…
            return super.authenticate(authenticator.canonical(login), password);
          }
        };
    StoreRightManager rights =
        new StoreRightManager(mappers, new UnionMailboxACLResolver(), eventBus);
    StoreMailboxAnnotationManager annotations = new StoreMailboxAnnotationManager(mappers, rights);
    DefaultUserQuotaRootResolver quotaRoots = new DefaultUserQuotaRootResolver(sessions, mappers);
    QuotaComponents quota =
        new QuotaComponents(new NoMaxQuotaManager(), new NoQuotaManager(), quotaRoots);
    SimpleMessageSearchIndex index =
        new SimpleMessageSearchIndex(
            mappers,
            mappers,
            new DefaultTextExtractor(),
            (attachment, session) -> InputStream.nullInputStream());
    NaiveThreadIdGuessingAlgorithm threads = new NaiveThreadIdGuessingAlgorithm();
    this.mailboxes =
        new StoreMailboxManager(
            mappers,
            sessions,
            new JVMMailboxPathLocker(),
            new MessageParser(),
            messageIds,
            annotations,
            eventBus,
            rights,
            quota,
            index,
            MailboxManagerConfiguration.DEFAULT,
            PreDeletionHooks.NO_PRE_DELETION_HOOK,
            threads,
            clock) {
          @Override
          public EnumSet<MailboxCapabilities> getSupportedMailboxCapabilities() {
            return EnumSet.of(
                MailboxCapabilities.Move,
                MailboxCapabilities.UserFlag,
                MailboxCapabilities.Namespace);
          }

          @Override
          public EnumSet<MessageCapabilities> getSupportedMessageCapabilities() {
            return EnumSet.of(MessageCapabilities.UniqueID);
          }

          @Override
          protected StoreMessageManager createMessageManager(
              Mailbox mailbox, MailboxSession session) {
            // WithoutAttachment: never hand attachments to an AttachmentMapper (it would store
            // them in clear); the mapper's add() seals the appended message instead.
            return new StoreMessageManager(
                EnumSet.of(MessageCapabilities.UniqueID),
                getMapperFactory(),
                getMessageSearchIndex(),
                getEventBus(),
                getLocker(),
                mailbox,
                quota.getQuotaManager(),
                quota.getQuotaRootResolver(),
                configuration.getBatchSizes(),
                getStoreRightManager(),
                getPreDeletionHooks(),
                new MessageStorer.WithoutAttachment(
                    mappers,
                    messageIds,
                    new org.apache.james.mailbox.store.MessageFactory.StoreMessageFactory(),
                    threads,
                    clock)) {
              @Override
              public Flags getPermanentFlags(MailboxSession s) {
                Flags flags = new Flags(super.getPermanentFlags(s));
                flags.add(Flags.Flag.USER);
                return flags;
              }
            };
          }
        };
    MailboxTyper typer =
        (session, path) ->
            switch (path.getName()) {
              case "INBOX" -> MailboxType.INBOX;
              case "Sent" -> MailboxType.SENT;
              case "Drafts" -> MailboxType.DRAFTS;
              case "Trash" -> MailboxType.TRASH;
              case "Junk" -> MailboxType.SPAM;
              case "Archive" -> MailboxType.ARCHIVE;
              default -> MailboxType.OTHER;
            };
    ImapProcessor processor =
        DefaultImapProcessorFactory.createXListSupportingProcessor(
            mailboxes,
            eventBus,
            new StoreSubscriptionManager(mappers, mappers, eventBus),
            typer,
            quota.getQuotaManager(),
            quotaRoots,
            metrics);
    String disabledCaps = "ACL|QUOTA|QUOTA=RES-STORAGE|QUOTA=RES-MESSAGE|LIST-MYRIGHTS";
    Optional<TlsIdentity> identity = settings.tls().map(Tls::identity);
    this.server =
        listener(
            processor,
            metrics,
            "sealpost-imap-",
            settings,
            settings.port(),
            identity.map(tls -> encryption(tls, true)),
            disabledCaps);
    this.implicitTls =
        settings
            .tls()
            .map(
                tls ->
                    listener(
                        processor,
                        metrics,
                        "sealpost-imaps-",
                        settings,
                        tls.implicitPort(),
                        Optional.of(encryption(tls.identity(), false)),
                        disabledCaps));
    // IMAPServer never turns CONDSTORE on: configure the processor again with the same values.
    processor.configure(
        ImapConfiguration.builder()
            .enableIdle(true)
            .isCondstoreEnable(true)
            .isProvisionDefaultMailboxes(false)
            .disabledCaps(disabledCaps.split("\\|"))
            .appendLimit(java.util.Optional.of(50 * 1024 * 1024))
            .build());
    server.init();
    if (implicitTls.isPresent()) {
      try {
        implicitTls.get().init();
      } catch (Exception e) {
        server.destroy(); // e.g. the implicit-TLS port is taken: leave nothing listening
        throw e;
      }
    }
  }

  /** One IMAP listener over the shared processor; its TLS is {@code tls}, if any. */
  private static IMAPServer listener(
      ImapProcessor processor,
      MetricFactory metrics,
      String jmxPrefix,
      Settings settings,
      int port,
      Optional<Encryption> tls,
      String disabledCaps) {
    IMAPServer server =
        new IMAPServer(
            DefaultImapDecoderFactory.createDecoder(),
            new DefaultImapEncoderFactory().buildImapEncoder(),
            processor,
            new ImapMetrics(metrics),
            new NoopGaugeRegistry()) {
          @Override
          protected void buildSSLContext() {
            // The TLS identity is built by TlsIdentity, not from a keystore in the configuration.
            this.encryption = tls.orElse(null);
          }
        };
    server.setFileSystem(new PlainFileSystem());
    BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
    config.addProperty("[@enabled]", true);
    config.addProperty("jmxName", jmxPrefix + INSTANCES.incrementAndGet());
    config.addProperty("bind", settings.host() + ":" + port);
    config.addProperty("helloName", "sealpost");
    config.addProperty("helloName[@autodetect]", false);
    // Without TLS, James refuses LOGIN and AUTHENTICATE and announces LOGINDISABLED (RFC 3501
    // §6.2.3): allowed on loopback only.
    config.addProperty("plainAuthDisallowed", !settings.plainLoginAllowed());
    config.addProperty("auth.requireSSL", !settings.plainLoginAllowed());
    config.addProperty("provisionDefaultMailboxes", false);
    // No literal is ever spilled to a plaintext temp file: in-memory limit = literal limit.
    config.addProperty("literalSizeLimit", "50M");
    config.addProperty("inMemorySizeLimit", "50M");
    config.addProperty("disabledCaps", disabledCaps);
    try {
      server.configure(config);
    } catch (org.apache.commons.configuration2.ex.ConfigurationException e) {
      throw new IllegalStateException("the IMAP listener's own configuration is invalid", e);
    }
    return server;
  }

  /** STARTTLS or implicit TLS with {@code identity}, TLS 1.2+ only, no client certificates. */
  private static Encryption encryption(TlsIdentity identity, boolean startTls) {
    return startTls
        ? Encryption.createStartTls(
            identity.sslContext(), null, identity.protocols(), ClientAuth.NONE)
        : Encryption.createTls(identity.sslContext(), null, identity.protocols(), ClientAuth.NONE);
  }

  /** Starts the bridge; it listens once this returns. */
  public static ImapBridge start(Settings settings, Clock clock) throws Exception {
    BridgeDatabase database = new BridgeDatabase(settings.storage().open(settings.dataDir()));
    ImapBridge bridge;
    try {
      bridge = new ImapBridge(settings, clock, new SecureRandom(), database);
    } catch (Exception | Error e) {
      database.close();
      throw e;
    }
    if (settings.tls().isPresent()) {
      LOG.info(
          "Sealpost IMAP bridge listening on {}:{} (STARTTLS{}) and {}:{} (implicit TLS) for {};"
              + " certificate SHA-256 {}",
          settings.host(),
          bridge.port(),
          settings.plainLoginAllowed() ? ", login without TLS allowed on loopback" : " required",
          settings.host(),
          bridge.implicitTlsPort().getAsInt(),
          settings.homeServer(),
          settings.tls().get().identity().fingerprint());
    } else {
      LOG.info(
          "Sealpost IMAP bridge listening on {}:{} (plain, no TLS) for {}",
          settings.host(),
          bridge.port(),
          settings.homeServer());
    }
    return bridge;
  }

  /** The plain (STARTTLS when configured) port. */
  public int port() {
    return server.getListenAddresses().get(0).getPort();
  }

  /** The implicit-TLS port, when TLS is configured. */
  public OptionalInt implicitTlsPort() {
    return implicitTls
        .map(listener -> OptionalInt.of(listener.getListenAddresses().get(0).getPort()))
        .orElse(OptionalInt.empty());
  }

  /** Called by the authenticator on the first successful login of an account. */
  private void unlocked(Username user, BridgeAccount account, InstallationKeys keys) {
    store.unlock(user, account, keys);
    try {
      MailboxSession system = mailboxes.createSystemSession(user);
      for (String folder : FOLDERS) {
        MailboxPath path = MailboxPath.forUser(user, folder);
        if (!mailboxes.mailboxExists(path, system).block()) {
          mailboxes.createMailbox(path, MailboxManager.CreateOption.CREATE_SUBSCRIPTION, system);
        }
      }
    } catch (MailboxException e) {
      throw new IllegalStateException("cannot create the folders of " + account.mail(), e);
    }
    consent.unlocked(user, account.mail(), client.as(keys));
    Optional<String> from;
    try {
      from = cursors.of(user);
    } catch (MailboxException e) {
      throw new IllegalStateException(
          "cannot read where the sync of " + account.mail() + " stopped", e);
    }
    if (!closed) {
      syncs.computeIfAbsent(
          user,
          any ->
              new InboxSync(
                      account.mail().toString(),
                      client.as(keys),
                      from,
                      e -> place(user, e),
                      cursor -> cursors.save(user, cursor))
                  .start());
    }
  }

  /** Opens a synced envelope, files it, and tells selected and IDLE clients. */
  private void place(Username user, InboxEntry entry) throws Exception {
    if (store.knows(user, entry.envelope().id().hex())) {
      return; // exactly once: a reconnect may deliver an envelope again
    }
    MessageStore.Opened opened = store.keep(user, entry.envelope());
    MailboxSession system = mailboxes.createSystemSession(user);
    // The account's own copies (Sent copies, messages appended by its other installations) go to
    // the folder they were filed in; everything else is filed by consent.
    Optional<String> own = OwnCopy.folder(opened.envelope(), store.account(user));
    String folder =
        own.isPresent()
            ? ensureFolder(user, own.get(), system)
            : consent.folderFor(user, opened.envelope().sender());
    Mailbox mailbox =
        mappers
            .getMailboxMapper(system)
            .findMailboxByPath(MailboxPath.forUser(user, folder))
            .blockOptional()
            .orElseThrow(() -> new MailboxException("no folder " + folder + " for " + user));
    EnvelopeMessageMapper messages = (EnvelopeMessageMapper) mappers.getMessageMapper(system);
    if (own.isPresent()
        && messages.sameSentMessage(user, mailbox, opened.envelope().mime()).isPresent()) {
      LOG.info("envelope {}: {} already holds this message (Message-ID)", opened.key(), folder);
      return; // a client APPENDed its own copy to Sent before the SMTP bridge's copy arrived
    }
    EnvelopeMessage row =
        new EnvelopeMessage(
            store,
            user,
            opened.key(),
            messageIds.generate(),
            mailbox.getMailboxId(),
            java.util.Date.from(entry.envelope().createdAt()),
            opened.rendered().length,
            new Flags(Flags.Flag.RECENT));
    MessageMetaData added = messages.add(mailbox, row);
    eventBus
        .dispatch(
            EventFactory.added()
                .randomEventId()
                .mailboxSession(system)
                .mailbox(mailbox)
                .addMetaData(added)
                .isDelivery(true)
                .build(),
            new MailboxIdRegistrationKey(mailbox.getMailboxId()))
        .block();
    LOG.info(
        "placed envelope {} in {} of {} as UID {}", opened.key(), folder, user, added.getUid());
  }

  /**
   * {@code folder} when it exists or can be created for {@code user} (another installation's folder
   * this bridge has not seen yet); INBOX when the name is not one this backend can hold.
   */
  private String ensureFolder(Username user, String folder, MailboxSession system) {
    MailboxPath path = MailboxPath.forUser(user, folder);
    try {
      if (!mailboxes.mailboxExists(path, system).block()) {
        mailboxes.createMailbox(path, MailboxManager.CreateOption.CREATE_SUBSCRIPTION, system);
      }
      return folder;
    } catch (MailboxException | RuntimeException e) {
      LOG.warn("own copy for folder {} of {} filed in INBOX: {}", folder, user, e.toString());
      return "INBOX";
    }
  }

  @Override
  public void close() {
    closed = true;
    syncs.values().forEach(InboxSync::close);
    try {
      implicitTls.ifPresent(IMAPServer::destroy);
      server.destroy();
    } finally {
      database.close();
    }
  }

  /** Resolves plain and file:// paths; only TLS material would be loaded through it. */
  private static final class PlainFileSystem implements FileSystem {
    @Override
    public InputStream getResource(String url) throws IOException {
      return new FileInputStream(getFile(url));
    }

    @Override
    public File getFile(String url) throws FileNotFoundException {
      File file = new File(url.startsWith("file://") ? url.substring("file://".length()) : url);
      if (!file.exists()) {
        throw new FileNotFoundException(url);
      }
      return file;
    }

    @Override
    public File getBasedir() {
      return new File(".");
    }
  }
}
