package org.sealpost.cli;

import jakarta.activation.DataHandler;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Date;
import java.util.Properties;

/**
 * A mail as a person writes it in a mail client: a subject, a plain text body with an HTML
 * alternative and a binary attachment, built and parsed with Jakarta Mail.
 */
record TestMail(
    String from,
    String to,
    String subject,
    String text,
    String html,
    String fileName,
    byte[] file) {
  private static final Session SESSION = Session.getInstance(new Properties());

  /** The MIME bytes (CRLF line ends, the attachment in base64). */
  byte[] mime() {
    try {
      MimeMessage message = new MimeMessage(SESSION);
      message.setFrom(new InternetAddress(from));
      message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
      message.setSubject(subject, "UTF-8");
      message.setSentDate(new Date());
      MimeBodyPart plain = new MimeBodyPart();
      plain.setText(text, "UTF-8");
      MimeBodyPart rich = new MimeBodyPart();
      rich.setText(html, "UTF-8", "html");
      MimeMultipart alternative = new MimeMultipart("alternative", plain, rich);
      MimeBodyPart body = new MimeBodyPart();
      body.setContent(alternative);
      MimeBodyPart attachment = new MimeBodyPart();
      attachment.setDataHandler(
          new DataHandler(new ByteArrayDataSource(file, "application/octet-stream")));
      attachment.setFileName(fileName);
      attachment.setDisposition(Part.ATTACHMENT);
      message.setContent(new MimeMultipart("mixed", body, attachment));
      message.saveChanges();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      message.writeTo(out);
      return out.toByteArray();
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a message as a mail client received it. */
  static MimeMessage parse(byte[] bytes) {
    try {
      return new MimeMessage(SESSION, new ByteArrayInputStream(bytes));
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What a reader finds in a received message of this shape. */
  record Received(String text, String html, String fileName, byte[] file) {}

  /** Walks multipart/mixed(multipart/alternative(text, html), attachment) and decodes each part. */
  static Received read(MimeMessage message) throws MessagingException, IOException {
    Multipart mixed = (Multipart) message.getContent();
    Multipart alternative = (Multipart) mixed.getBodyPart(0).getContent();
    BodyPart attachment = mixed.getBodyPart(1);
    try (InputStream in = attachment.getInputStream()) {
      return new Received(
          (String) alternative.getBodyPart(0).getContent(),
          (String) alternative.getBodyPart(1).getContent(),
          attachment.getFileName(),
          in.readAllBytes());
    }
  }
}
