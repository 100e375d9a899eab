package org.sealpost.bridge.smtp;

import static java.util.Objects.requireNonNull;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The header section of a message as the client wrote it (RFC 5322 §2.2): read through Jakarta
 * Mail's parser, edited at the byte level so that everything not edited, the body above all, stays
 * exactly as it was.
 */
final class MimeHeaders {
  private final byte[] mime;
  private final int bodyStart;
  private final InternetHeaders parsed;

  private MimeHeaders(byte[] mime, int bodyStart, InternetHeaders parsed) {
    this.mime = mime;
    this.bodyStart = bodyStart;
    this.parsed = parsed;
  }

  static MimeHeaders of(byte[] mime) {
    requireNonNull(mime, "mime");
    int bodyStart = mime.length;
    for (int start = 0; start < mime.length; ) {
      int end = lineEnd(mime, start);
      if (end == start || (end == start + 1 && mime[start] == '\r')) {
        bodyStart = Math.min(mime.length, end + 1);
        break;
      }
      start = end + 1;
    }
    InternetHeaders parsed;
    try {
      parsed = new InternetHeaders(new ByteArrayInputStream(mime, 0, bodyStart));
    } catch (MessagingException e) {
      parsed = new InternetHeaders();
    }
    return new MimeHeaders(mime, bodyStart, parsed);
  }

  /** The unfolded values of every field called {@code name}. */
  List<String> values(String name) {
    String[] values = parsed.getHeader(name);
    return values == null ? List.of() : List.of(values);
  }

  Optional<String> first(String name) {
    return values(name).stream().findFirst();
  }

  /** The addresses of every {@code From} field; empty if there is none or it does not parse. */
  List<InternetAddress> from() throws AddressException {
    List<InternetAddress> addresses = new ArrayList<>();
    for (String value : values("From")) {
      addresses.addAll(List.of(InternetAddress.parseHeader(value, false)));
    }
    return addresses;
  }

  /** The header section as Jakarta Mail reads it, for a delivery report's returned headers. */
  InternetHeaders parsed() {
    return parsed;
  }

  /**
   * The message without the fields called by any of {@code names} (any letter case, also in the
   * obsolete form with blanks before the colon, RFC 5322 §4.5), with their continuation lines.
   */
  byte[] without(String... names) {
    List<String> lower = new ArrayList<>();
    for (String name : names) {
      lower.add(name.toLowerCase(Locale.ROOT));
    }
    return without(
        field -> {
          int colon = field.indexOf(':');
          return colon > 0
              && lower.contains(field.substring(0, colon).strip().toLowerCase(Locale.ROOT));
        });
  }

  /** The message without the header fields that {@code drop} accepts (given the field's text). */
  byte[] without(Predicate<String> drop) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(mime.length);
    boolean dropping = false;
    for (int start = 0; start < bodyStart; ) {
      int end = Math.min(lineEnd(mime, start), bodyStart - 1);
      boolean continuation = mime[start] == ' ' || mime[start] == '\t';
      if (!continuation) {
        dropping = drop.test(new String(mime, start, end - start + 1, StandardCharsets.ISO_8859_1));
      }
      if (!dropping) {
        out.write(mime, start, end - start + 1);
      }
      start = end + 1;
    }
    out.write(mime, bodyStart, mime.length - bodyStart);
    return out.toByteArray();
  }

  /** The message with {@code lines} (each a complete field without its line end) put first. */
  static byte[] prepend(byte[] mime, List<String> lines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(mime.length + 256);
    for (String line : lines) {
      byte[] bytes = (line + "\r\n").getBytes(StandardCharsets.UTF_8);
      out.write(bytes, 0, bytes.length);
    }
    out.write(mime, 0, mime.length);
    return out.toByteArray();
  }

  /** The index of the LF ending the line that starts at {@code start}, or the last index. */
  private static int lineEnd(byte[] bytes, int start) {
    for (int i = start; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return bytes.length - 1;
  }
}
