package org.sealpost.bridge.smtp;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.logger.DefaultMetricFactory;
import org.apache.james.protocols.api.ClientAuth;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandDispatcher;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.api.handler.CommandHandlerResultLogger;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.WiringException;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.apache.james.protocols.netty.AllButStartTlsLineChannelHandlerFactory;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.protocols.netty.NettyServer;
import org.apache.james.protocols.smtp.SMTPConfigurationImpl;
import org.apache.james.protocols.smtp.SMTPProtocol;
import org.apache.james.protocols.smtp.SMTPProtocolHandlerChain;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.apache.james.protocols.smtp.core.DataLineMessageHookHandler;
import org.apache.james.protocols.smtp.core.ExpnCmdHandler;
import org.apache.james.protocols.smtp.core.HeloCmdHandler;
import org.apache.james.protocols.smtp.core.HelpCmdHandler;
import org.apache.james.protocols.smtp.core.MailCmdHandler;
import org.apache.james.protocols.smtp.core.NoopCmdHandler;
import org.apache.james.protocols.smtp.core.QuitCmdHandler;
import org.apache.james.protocols.smtp.core.RcptCmdHandler;
import org.apache.james.protocols.smtp.core.RsetCmdHandler;
import org.apache.james.protocols.smtp.core.UnknownCmdHandler;
import org.apache.james.protocols.smtp.core.VrfyCmdHandler;
import org.apache.james.protocols.smtp.core.WelcomeMessageHandler;
import org.apache.james.protocols.smtp.core.esmtp.EhloCmdHandler;
import org.apache.james.protocols.smtp.core.esmtp.MailSizeEsmtpExtension;
import org.apache.james.protocols.smtp.core.esmtp.StartTlsCmdHandler;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.sealpost.bridge.tls.TlsIdentity;
import org.sealpost.identity.Domain;

/**
 * Apache James's SMTP protocol stack (protocols-smtp 3.8.1 on Netty), assembled by hand for one
 * listener: the core commands, SIZE (RFC 1870), STARTTLS (RFC 3207) and our hooks. Left out on
 * purpose: James's postmaster/abuse RCPT hook (it would accept {@code postmaster@} any domain
 * before our checks) and its {@code Received:} filter (the gateway writes its own). VRFY and EXPN
 * answer 502 (they would tell a stranger which accounts exist).
 */
final class SmtpStack {
  private SmtpStack() {}

  /** What a listener announces and allows, on top of James's defaults. */
  static final class Config extends SMTPConfigurationImpl {
    private final Domain domain;
    private final String role;
    private final long maxMessageBytes;
    private final boolean auth;
    private final boolean authWithoutTls;

    /**
     * @param auth whether AUTH PLAIN and LOGIN are offered (submission) or not (the gateway)
     * @param authWithoutTls whether AUTH is allowed before TLS: only where nothing but this machine
     *     can connect (a loopback bind), so a password never crosses a network in clear
     */
    Config(Domain domain, String role, long maxMessageBytes, boolean auth, boolean authWithoutTls) {
      this.domain = domain;
      this.role = role;
      this.maxMessageBytes = maxMessageBytes;
      this.auth = auth;
      this.authWithoutTls = authWithoutTls;
    }

    @Override
    public String getHelloName() {
      return domain.name();
    }

    @Override
    public String getSoftwareName() {
      return "Sealpost " + role;
    }

    @Override
    public long getMaxMessageSize() {
      return maxMessageBytes;
    }

    /**
     * Submission announces AUTH inside TLS, and before it on a loopback bind only (RFC 4954 §4: a
     * server should not offer plaintext mechanisms unless the connection is protected); the gateway
     * never does.
     */
    @Override
    public boolean isAuthAnnounced(String remoteIP, boolean tlsStarted) {
      return auth && (tlsStarted || authWithoutTls);
    }

    @Override
    public boolean isPlainAuthEnabled() {
      return auth;
    }

    /** No client address may relay: every recipient goes through our RCPT hook. */
    @Override
    public boolean isRelayingAllowed(String remoteIP) {
      return false;
    }
  }

  /**
   * A listener on {@code host:port} (0 for any free port) running {@code hooks} after the core
   * commands. Hooks of one kind run in the order given.
   */
  static NettyServer listen(
      String host, int port, Config config, List<ProtocolHandler> hooks, Optional<Encryption> tls)
      throws Exception {
    MetricFactory metrics = new DefaultMetricFactory();
    SMTPProtocolHandlerChain chain = new SMTPProtocolHandlerChain(metrics, false);
    chain.add(new CommandDispatcher<SMTPSession>());
    chain.add(new EhloCmdHandler(metrics));
    chain.add(new HeloCmdHandler(metrics));
    chain.add(new HelpCmdHandler());
    chain.add(new MailCmdHandler(metrics));
    chain.add(new NoopCmdHandler());
    chain.add(new QuitCmdHandler(metrics));
    chain.add(new BareAccountRcptCmdHandler(metrics));
    chain.add(new RsetCmdHandler());
    chain.add(new VrfyCmdHandler());
    chain.add(new ExpnCmdHandler());
    chain.add(new DataCmdHandler(metrics));
    chain.add(new StartTlsCmdHandler()); // offered only where tls is STARTTLS
    chain.add(new SizeLimit(config.getMaxMessageSize()));
    chain.add(new WelcomeMessageHandler());
    chain.add(new DataLineMessageHookHandler());
    chain.add(new UnknownCmdHandler(metrics));
    chain.add(new CommandHandlerResultLogger());
    if (config.auth && !config.authWithoutTls) {
      chain.add(new TlsBeforeAuth()); // before the AUTH handler that the AuthHook brings in
    }
    chain.addAll(hooks);
    try {
      chain.wireExtensibleHandlers();
    } catch (WiringException e) {
      throw new IllegalStateException("the SMTP handler chain does not wire: " + e.getMessage(), e);
    }
    NettyServer.Factory factory =
        new NettyServer.Factory()
            .protocol(new SMTPProtocol(chain, config))
            .secure(tls.orElse(null));
    if (tls.isPresent() && tls.get().isStartTLS()) {
      // closes a connection whose client pipelines anything behind STARTTLS: plaintext injected
      // before the handshake must not run as if inside TLS (CVE-2011-0411). James stops checking
      // at DATA, so a message line that starts with "STARTTLS" is just a line.
      factory.frameHandlerFactory(
          new AllButStartTlsLineChannelHandlerFactory(
              "starttls", AbstractChannelPipelineFactory.MAX_LINE_LENGTH));
    }
    NettyServer server = factory.build();
    server.setListenAddresses(new InetSocketAddress(host, port));
    server.setTimeout(300); // RFC 5321 §4.5.3.2.7: at least 5 minutes
    server.setIoWorkerCount(2);
    server.setGracefulShutdown(true);
    server.bind();
    return server;
  }

  /** STARTTLS with {@code identity} (RFC 3207): TLS 1.2+ only, no client certificates. */
  static Encryption startTls(TlsIdentity identity) {
    return Encryption.createStartTls(
        identity.sslContext(), null, identity.protocols(), ClientAuth.NONE);
  }

  /** Implicit TLS with {@code identity} (RFC 8314 §3.3): the handshake before the greeting. */
  static Encryption implicitTls(TlsIdentity identity) {
    return Encryption.createTls(identity.sslContext(), null, identity.protocols(), ClientAuth.NONE);
  }

  /**
   * Refuses AUTH before TLS where a password would cross a network in clear (RFC 3207 §4 reply
   * 530), before the AUTH handler reads any credentials; inside TLS it steps aside.
   */
  private static final class TlsBeforeAuth implements CommandHandler<SMTPSession> {
    private static final Response MUST_START_TLS =
        new SMTPResponse("530", "5.7.0 Must issue a STARTTLS command first").immutable();

    @Override
    public Response onCommand(SMTPSession session, Request request) {
      return session.isTLSStarted() ? null : MUST_START_TLS;
    }

    @Override
    public Collection<String> getImplCommands() {
      return Set.of("AUTH");
    }
  }

  /** A bare account in RCPT TO (no {@code @}) keeps a domain that says so, not "localhost". */
  private static final class BareAccountRcptCmdHandler extends RcptCmdHandler {
    BareAccountRcptCmdHandler(MetricFactory metrics) {
      super(metrics);
    }

    @Override
    protected String getDefaultDomain() {
      return RecipientDirectory.BARE;
    }
  }

  /** James's SIZE extension (RFC 1870), with refusals that name the limit. */
  private static final class SizeLimit extends MailSizeEsmtpExtension {
    private final long max;

    SizeLimit(long max) {
      this.max = max;
    }

    private Reply tooBig() {
      return new Reply(
          "552",
          "5.3.4",
          "the message is larger than this server accepts ("
              + max
              + " bytes); make it smaller, e.g. by sending attachments separately");
    }

    @Override
    public HookResult doMailParameter(SMTPSession session, String name, String value) {
      HookResult result = super.doMailParameter(session, name, value);
      return result != null && "552".equals(result.getSmtpRetCode())
          ? tooBig().hookResult()
          : result;
    }

    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
      Response response = super.onLine(session, line, next);
      return response != null && "552".equals(response.getRetCode())
          ? new SMTPResponse("552", tooBig().line())
          : response;
    }

    @Override
    public HookResult onMessage(
        SMTPSession session, org.apache.james.protocols.smtp.MailEnvelope mail) {
      HookResult result = super.onMessage(session, mail);
      return "552".equals(result.getSmtpRetCode()) ? tooBig().hookResult() : result;
    }
  }
}
