package org.sealpost.bridge.smtp;

import static java.util.Objects.requireNonNull;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MailDateFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MessageHook;
import org.sealpost.bridge.BridgeLogin;
import org.sealpost.bridge.OwnCopy;
import org.sealpost.client.InstallationSession;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.MailAddress;
import org.sealpost.identity.envelope.Author;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.identity.envelope.EnvelopeSealer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After DATA on submission: checks the From, then seals one envelope per recipient account and the
 * Sent copy (PROTOCOL.md §3.1) and publishes them, in this order:
 *
 * <ol>
 *   <li>the Sent copy (Bcc kept, marked {@link OwnCopy} for {@code Sent}), to the sender's own
 *       account: if the home server cannot take it, nothing was sent and the client is told to
 *       retry (451);
 *   <li>each recipient's envelope (Bcc removed), with retries; a recipient that still fails is
 *       collected;
 *   <li>for the failed ones, a delivery report (RFC 3464) to the sender's own account.
 * </ol>
 *
 * The client gets 250 only when all of that is committed on the home server. If even the report
 * cannot be stored, it gets 451 and sends again: a duplicate for some recipients, never a silent
 * loss.
 */
final class SubmissionDelivery implements MessageHook {
  private static final Logger LOG = LoggerFactory.getLogger(SubmissionDelivery.class);

  private final SealpostClient client;
  private final RecipientDirectory directory;
  private final Publisher publisher;
  private final EnvelopeSealer sealer;
  private final Clock clock;
  private final SecureRandom random;

  SubmissionDelivery(
      SealpostClient client,
      RecipientDirectory directory,
      Publisher publisher,
      Clock clock,
      SecureRandom random) {
    this.client = requireNonNull(client, "client");
    this.directory = requireNonNull(directory, "directory");
    this.publisher = requireNonNull(publisher, "publisher");
    this.clock = requireNonNull(clock, "clock");
    this.random = requireNonNull(random, "random");
    this.sealer = new EnvelopeSealer(clock, random);
  }

  @Override
  public HookResult onMessage(SMTPSession session, MailEnvelope mail) {
    Optional<BridgeLogin.Unlocked> login = SubmissionAuth.sender(session);
    if (login.isEmpty()) {
      return new Reply("530", "5.7.0", "authentication required").hookResult();
    }
    MailAddress own = login.get().account().mail();
    Instant arrival = clock.instant();
    byte[] written = read(mail);
    MimeHeaders headers = MimeHeaders.of(written);
    Optional<Reply> fromProblem = checkFrom(headers, own);
    if (fromProblem.isPresent()) {
      return fromProblem.get().hookResult();
    }
    byte[] mime = completed(written, headers, own);
    MimeHeaders complete = MimeHeaders.of(mime);
    byte[] forRecipients = complete.without("Bcc", "Resent-Bcc");

    InstallationSession api = client.as(login.get().keys());
    Author author = new Author.Installation(own.account(), login.get().keys());
    RecipientDirectory.Lookup self =
        directory.resolve(own.account().canonical(), own.home().name());
    if (!(self instanceof RecipientDirectory.Found ownKeys)) {
      Reply why = ((RecipientDirectory.Refused) self).reply();
      return new Reply("451", "4.3.0", "cannot seal your Sent copy: " + why.text()).hookResult();
    }
    Recipient sender = ownKeys.recipient();

    // 1. The Sent copy: the message as written, Bcc included.
    Publisher.Outcome sent = seal(api, author, sender, OwnCopy.mark(mime, OwnCopy.SENT));
    if (sent instanceof Publisher.Failed failed) {
      return new Reply(
              "451",
              "4.4.1",
              "nothing was sent: " + failed.reason() + "; your mail client will try again")
          .hookResult();
    }
    // 2. One envelope per recipient account.
    List<DeliveryReport.Failure> failures = new ArrayList<>();
    int delivered = 0;
    for (Accepted.Entry entry : Accepted.of(session).entries()) {
      Publisher.Outcome outcome = seal(api, author, entry.recipient(), forRecipients);
      if (outcome instanceof Publisher.Failed failed) {
        Reply reply =
            failed.permanent()
                ? new Reply("550", "5.0.0", failed.reason())
                : new Reply("451", "4.4.1", failed.reason() + ", also after retrying");
        entry
            .addresses()
            .forEach(address -> failures.add(new DeliveryReport.Failure(address, reply)));
      } else {
        delivered++;
      }
    }
    if (failures.isEmpty()) {
      return ok("2.0.0 Sealed and delivered to " + delivered + " recipient account(s)");
    }
    // 3. What did not arrive, reported where the sender reads it.
    byte[] report =
        DeliveryReport.build(own, own.home(), complete, failures, arrival, clock.instant());
    if (seal(api, author, sender, report) instanceof Publisher.Failed failed) {
      LOG.error(
          "{} of {} recipient(s) failed and the delivery report for {} could not be stored: {}",
          failures.size(),
          failures.size() + delivered,
          own,
          failed.reason());
      return new Reply(
              "451",
              "4.4.1",
              "delivered to "
                  + delivered
                  + " recipient account(s), but not to "
                  + failures.stream().map(DeliveryReport.Failure::recipient).toList()
                  + " and the report could not be stored; send again later")
          .hookResult();
    }
    return ok(
        "2.0.0 Delivered to "
            + delivered
            + " recipient account(s); "
            + failures.size()
            + " failed: a delivery report is in your inbox");
  }

  /** The From must be exactly the logged-in account's mail address (any case, display name ok). */
  static Optional<Reply> checkFrom(MimeHeaders headers, MailAddress own) {
    List<InternetAddress> from;
    try {
      from = headers.from();
    } catch (AddressException e) {
      return Optional.of(
          new Reply("550", "5.7.1", "the From header does not parse: " + e.getMessage()));
    }
    if (from.size() != 1) {
      return Optional.of(
          new Reply(
              "550",
              "5.7.1",
              (from.isEmpty() ? "the message has no From header" : "the From header names several")
                  + "; it must be your own address "
                  + own));
    }
    String address = from.get(0).getAddress();
    if (address == null || !address.equalsIgnoreCase(own.toString())) {
      return Optional.of(
          new Reply(
              "550",
              "5.7.1",
              "the From address "
                  + address
                  + " is not the account you logged in as; send as "
                  + own
                  + " (a display name is fine)"));
    }
    return Optional.empty();
  }

  /** RFC 6409 §8.2, §8.3: a submission server adds a missing Date and Message-ID. */
  private byte[] completed(byte[] mime, MimeHeaders headers, MailAddress own) {
    List<String> missing = new ArrayList<>();
    if (headers.first("Date").isEmpty()) {
      missing.add("Date: " + new MailDateFormat().format(Date.from(clock.instant())));
    }
    if (headers.first("Message-ID").isEmpty()) {
      byte[] id = new byte[16];
      random.nextBytes(id);
      missing.add("Message-ID: <" + HexFormat.of().formatHex(id) + "@" + own.home().name() + ">");
    }
    return missing.isEmpty() ? mime : MimeHeaders.prepend(mime, missing);
  }

  private Publisher.Outcome seal(
      InstallationSession api, Author author, Recipient recipient, byte[] mime) {
    Envelope envelope = sealer.seal(author, recipient.bundles(), mime);
    Publisher.Outcome outcome = publisher.publish(api, envelope, Optional.of(recipient.home()));
    if (outcome instanceof Publisher.Committed committed) {
      LOG.info(
          "envelope {} for {} {}",
          envelope.id().hex(),
          recipient.mailAddress(),
          committed.status());
    }
    return outcome;
  }

  private static HookResult ok(String description) {
    return HookResult.builder()
        .hookReturnCode(HookReturnCode.ok())
        .smtpReturnCode("250")
        .smtpDescription(description)
        .build();
  }

  private static byte[] read(MailEnvelope mail) {
    try (InputStream in = mail.getMessageInputStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
