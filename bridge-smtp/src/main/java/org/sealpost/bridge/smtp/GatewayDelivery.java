package org.sealpost.bridge.smtp;

import static java.util.Objects.requireNonNull;

import jakarta.mail.internet.MailDateFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MessageHook;
import org.sealpost.identity.envelope.Author;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.identity.envelope.EnvelopeSealer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After DATA on the gateway: marks the message as legacy internet mail (a {@code Received:} trace
 * field, RFC 5321 §4.4, and an {@code Authentication-Results:} field, RFC 8601, saying no sender
 * was verified), seals it once per recipient account with the server key (PROTOCOL.md §5) and
 * stores only the envelopes. 250 once every envelope is committed; otherwise 451 and the sending
 * server retries (a recipient already stored may get it twice; none loses it).
 */
final class GatewayDelivery implements MessageHook {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayDelivery.class);

  /** Our own Authentication-Results method: mail that came in through this gateway. */
  static final String METHOD = "x-sealpost-gateway";

  private final GatewayDeposit deposit;
  private final EnvelopeSealer sealer;
  private final Clock clock;

  GatewayDelivery(GatewayDeposit deposit, Clock clock, SecureRandom random) {
    this.deposit = requireNonNull(deposit, "deposit");
    this.clock = requireNonNull(clock, "clock");
    this.sealer = new EnvelopeSealer(clock, random);
  }

  @Override
  public HookResult onMessage(SMTPSession session, MailEnvelope mail) {
    Author.Gateway author = deposit.author();
    String domain = author.domain().name();
    byte[] written;
    try (InputStream in = mail.getMessageInputStream()) {
      written = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // RFC 8601 §5: results claiming to be ours that arrive from outside are removed.
    String ours = "authentication-results:";
    byte[] cleaned =
        MimeHeaders.of(written)
            .without(
                field -> {
                  String lower = field.toLowerCase(Locale.ROOT);
                  return lower.startsWith(ours)
                      && lower.substring(ours.length()).strip().startsWith(domain);
                });
    String helo =
        session.getAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection).orElse("unknown");
    String ip = session.getRemoteAddress().getAddress().getHostAddress();
    String mailFrom = mail.getMaybeSender().asString("<>");
    String now = new MailDateFormat().format(Date.from(clock.instant()));
    byte[] mime =
        MimeHeaders.prepend(
            cleaned,
            List.of(
                "Authentication-Results: "
                    + domain
                    + "; auth=none smtp.mailfrom="
                    + clean(mailFrom)
                    + "; "
                    + METHOD
                    + "=external reason=\"received from the legacy internet; the sender is not"
                    + " verified\"",
                "Received: from "
                    + clean(helo)
                    + " (["
                    + ip
                    + "]) by "
                    + domain
                    + " (Sealpost gateway) with "
                    + session
                        .getAttachment(SMTPSession.CURRENT_HELO_MODE, State.Connection)
                        .map(mode -> mode.equalsIgnoreCase("EHLO") ? "ESMTP" : "SMTP")
                        .orElse("SMTP")
                    + " id "
                    + session.getSessionID()
                    + "; "
                    + now));
    int stored = 0;
    for (Accepted.Entry entry : Accepted.of(session).entries()) {
      Envelope envelope = sealer.seal(author, entry.recipient().bundles(), mime);
      try {
        deposit.deposit(envelope);
        stored++;
        LOG.info(
            "gateway mail stored as envelope {} for {}",
            envelope.id().hex(),
            entry.recipient().mailAddress());
      } catch (GatewayDeposit.DepositException e) {
        LOG.warn(
            "gateway mail for {} not stored ({} of the others were): {}",
            entry.recipient().mailAddress(),
            stored,
            e.getMessage());
        return new Reply("451", "4.3.0", "cannot store the message now; try again later")
            .hookResult();
      }
    }
    return HookResult.builder()
        .hookReturnCode(HookReturnCode.ok())
        .smtpReturnCode("250")
        .smtpDescription("2.0.0 Sealed and stored for " + stored + " recipient(s)")
        .build();
  }

  /** A value safe inside a header field: no line breaks, no quotes or semicolons to break it. */
  private static String clean(String value) {
    return value.replaceAll("[\\r\\n\";()]+", " ").strip();
  }
}
