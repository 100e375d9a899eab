package org.sealpost.bridge.smtp;

import static java.util.Objects.requireNonNull;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import org.eclipse.angus.mail.dsn.DeliveryStatus;
import org.eclipse.angus.mail.dsn.MultipartReport;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MailAddress;

/**
 * A delivery status notification (RFC 3464, in a {@code multipart/report} of RFC 6522) telling a
 * sender which recipients a message did not reach and why, with the message's header section
 * returned ({@code text/rfc822-headers}). Built with Angus Mail's DSN classes.
 */
final class DeliveryReport {
  /** One recipient the message did not reach. */
  record Failure(String recipient, Reply reply) {
    Failure {
      requireNonNull(recipient, "recipient");
      requireNonNull(reply, "reply");
    }
  }

  private DeliveryReport() {}

  /**
   * The report, as MIME bytes, from and to {@code sender}'s own address (it is sealed to the
   * sender's own inbox by the sender's installation, so its verified From is the sender).
   */
  static byte[] build(
      MailAddress sender,
      Domain reportingDomain,
      MimeHeaders original,
      List<Failure> failures,
      Instant arrival,
      Instant now) {
    requireNonNull(sender, "sender");
    requireNonNull(original, "original");
    if (failures.isEmpty()) {
      throw new IllegalArgumentException("failures: empty (expected: at least one)");
    }
    try {
      MailDateFormat dates = new MailDateFormat();
      DeliveryStatus status = new DeliveryStatus();
      InternetHeaders perMessage = new InternetHeaders();
      // RFC 3464 §2.2: the reporting MTA, and when the message arrived there.
      perMessage.setHeader("Reporting-MTA", "dns; " + reportingDomain.name());
      perMessage.setHeader("Arrival-Date", dates.format(Date.from(arrival)));
      status.setMessageDSN(perMessage);
      StringBuilder text =
          new StringBuilder(
              "Your message could not be delivered to the following recipient(s).\r\n"
                  + "The others received it; this report is only about these:\r\n\r\n");
      for (Failure failure : failures) {
        // RFC 3464 §2.3: one group of fields per recipient.
        InternetHeaders perRecipient = new InternetHeaders();
        perRecipient.setHeader("Final-Recipient", "rfc822; " + failure.recipient());
        perRecipient.setHeader("Action", "failed");
        perRecipient.setHeader("Status", permanentStatus(failure.reply()));
        perRecipient.setHeader("Diagnostic-Code", "smtp; " + failure.reply());
        perRecipient.setHeader("Last-Attempt-Date", dates.format(Date.from(now)));
        status.addRecipientDSN(perRecipient);
        text.append("  ")
            .append(failure.recipient())
            .append("\r\n    ")
            .append(failure.reply().text())
            .append("\r\n");
      }
      text.append(
          "\r\nThe message was not sent to them. Check the addresses, or send it again later.\r\n");
      MultipartReport report = new MultipartReport(text.toString(), status, original.parsed());
      MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
      message.setFrom(new InternetAddress(sender.toString(), "Mail Delivery System"));
      message.setRecipient(Message.RecipientType.TO, new InternetAddress(sender.toString()));
      String subject = original.first("Subject").map(s -> ": " + s).orElse("");
      message.setSubject("Undelivered mail" + subject, "UTF-8");
      message.setSentDate(Date.from(now));
      message.setHeader("Auto-Submitted", "auto-replied"); // RFC 3834: never answer a report
      message.setContent(report);
      message.saveChanges();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      message.writeTo(out);
      return out.toByteArray();
    } catch (MessagingException | IOException e) {
      throw new IllegalStateException("cannot build a delivery report: " + e.getMessage(), e);
    }
  }

  /** The report says the delivery failed for good, so its status class is 5 (RFC 3463 §3.1). */
  private static String permanentStatus(Reply reply) {
    return "5" + reply.status().substring(1);
  }
}
