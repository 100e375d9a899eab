package org.sealpost.bridge;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.sealpost.identity.Account;
import org.sealpost.identity.envelope.OpenedEnvelope;
import org.sealpost.identity.envelope.SenderCheck;

/**
 * The one marker that tells a bridge an envelope is the Sent copy of a message its account sent
 * (PROTOCOL.md §3.1, "the sender's own other installations read the Sent copy"; docs/adr/0007). The
 * SMTP bridge puts the header {@value #HEADER}{@code : }{@value #VALUE} first in the MIME it seals
 * to the sender's own account; the IMAP bridge files such a message in {@code Sent} instead of
 * {@code INBOX}.
 *
 * <p>Anyone can write any header, so a reader MUST honour the marker only through {@link
 * #isSentCopy}: the envelope's signature must be verified and by an installation of the reading
 * account itself. The header is one of the {@code X-Sealpost-*} headers that the IMAP rendering
 * drops, so a client never sees it.
 */
public final class SentCopy {
  /** The header's name. */
  public static final String HEADER = "X-Sealpost-Sent-Copy";

  /** The header's value (version 1 of the marker). */
  public static final String VALUE = "1";

  private SentCopy() {}

  /** {@code mime} with the marker as its first header line. */
  public static byte[] mark(byte[] mime) {
    requireNonNull(mime, "mime");
    byte[] line = (HEADER + ": " + VALUE + "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] marked = new byte[line.length + mime.length];
    System.arraycopy(line, 0, marked, 0, line.length);
    System.arraycopy(mime, 0, marked, line.length, mime.length);
    return marked;
  }

  /**
   * Whether {@code opened} is a Sent copy of {@code reader}'s own: verified as sent by an
   * installation of {@code reader}, and marked in its header section.
   */
  public static boolean isSentCopy(OpenedEnvelope opened, Account reader) {
    requireNonNull(opened, "opened");
    requireNonNull(reader, "reader");
    return opened.sender() instanceof SenderCheck.Verified verified
        && verified.sender().account().equals(reader)
        && isMarked(opened.mime());
  }

  /**
   * Whether the header section of {@code mime} carries the marker (any letter case of the name).
   */
  static boolean isMarked(byte[] mime) {
    String text = new String(mime, StandardCharsets.ISO_8859_1);
    String prefix = HEADER.toLowerCase(Locale.ROOT) + ":";
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      String line = (end < 0 ? text.substring(start) : text.substring(start, end)).strip();
      if (line.isEmpty()) {
        return false; // end of the header section
      }
      if (line.toLowerCase(Locale.ROOT).startsWith(prefix)
          && line.substring(prefix.length()).strip().equals(VALUE)) {
        return true;
      }
      if (end < 0) {
        return false;
      }
      start = end + 1;
    }
    return false;
  }
}
