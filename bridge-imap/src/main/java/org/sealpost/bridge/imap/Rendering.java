package org.sealpost.bridge.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sealpost.identity.envelope.OpenedEnvelope;
import org.sealpost.identity.envelope.SenderCheck;

/**
 * The message a mail client sees for an opened envelope: the sender's MIME with CRLF line ends, an
 * {@code X-Sealpost-Sender} header saying what the signatures proved, and a From that never claims
 * more than that. Deterministic, so that reopening gives the same bytes (and size).
 *
 * <ul>
 *   <li>verified: From is the verified address; a different From is replaced and kept as {@code
 *       X-Sealpost-Original-From};
 *   <li>gateway (external) mail: From is kept, marked as external;
 *   <li>unverified: From is replaced by {@code "Unverified sender" <unverified@sealpost.invalid>},
 *       the claim kept as {@code X-Sealpost-Original-From}.
 * </ul>
 */
final class Rendering {
  static final String UNVERIFIED_FROM = "\"Unverified sender\" <unverified@sealpost.invalid>";

  private Rendering() {}

  static byte[] render(OpenedEnvelope opened) {
    String text = crlf(new String(opened.mime(), StandardCharsets.ISO_8859_1));
    int end = text.indexOf("\r\n\r\n");
    String head = end < 0 ? text : text.substring(0, end + 2);
    String body = end < 0 ? "\r\n" : text.substring(end + 2);
    List<String> fields = fields(head);
    String from = null;
    for (String field : fields) {
      if (name(field).equals("from")) {
        from = field.substring(field.indexOf(':') + 1).replace("\r\n", "").trim();
      }
    }
    List<String> added = new ArrayList<>();
    String newFrom = null;
    SenderCheck sender = opened.sender();
    if (sender instanceof SenderCheck.Verified verified) {
      String address = verified.sender().toString();
      added.add(
          "X-Sealpost-Sender: verified "
              + address
              + " installation "
              + verified.installation().hex());
      if (from == null || !address.equalsIgnoreCase(addressOf(from))) {
        newFrom = address;
      }
    } else if (sender instanceof SenderCheck.Gateway gateway) {
      added.add(
          "X-Sealpost-Sender: external via " + gateway.domain().name() + " (sender not verified)");
    } else if (sender instanceof SenderCheck.Unverified unverified) {
      added.add(
          "X-Sealpost-Sender: unverified ("
              + unverified.failure().slug()
              + ") claimed "
              + clean(unverified.claimed()));
      newFrom = UNVERIFIED_FROM;
    }
    StringBuilder out = new StringBuilder(text.length() + 256);
    for (String header : added) {
      out.append(header).append("\r\n");
    }
    if (newFrom != null) {
      out.append("From: ").append(newFrom).append("\r\n");
      if (from != null) {
        out.append("X-Sealpost-Original-From: ").append(clean(from)).append("\r\n");
      }
    }
    for (String field : fields) {
      String name = name(field);
      if (name.startsWith("x-sealpost-") || (newFrom != null && name.equals("from"))) {
        continue; // never pass on what a sender claims in our own headers
      }
      out.append(field);
    }
    out.append(body);
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Header fields, each with its continuation lines and trailing CRLFs. */
  private static List<String> fields(String head) {
    List<String> fields = new ArrayList<>();
    StringBuilder current = null;
    for (String line : head.split("(?<=\r\n)")) {
      if (line.isEmpty()) {
        continue;
      }
      if ((line.startsWith(" ") || line.startsWith("\t")) && current != null) {
        current.append(line);
      } else {
        if (current != null) {
          fields.add(current.toString());
        }
        current = new StringBuilder(line);
      }
    }
    if (current != null) {
      fields.add(current.toString());
    }
    return fields;
  }

  private static String name(String field) {
    int colon = field.indexOf(':');
    return (colon < 0 ? field : field.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
  }

  private static String addressOf(String from) {
    int open = from.lastIndexOf('<');
    int close = from.lastIndexOf('>');
    return (open >= 0 && close > open ? from.substring(open + 1, close) : from).trim();
  }

  private static String clean(String value) {
    return value.replaceAll("[\\r\\n]+", " ").trim();
  }

  private static String crlf(String text) {
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n");
  }
}
