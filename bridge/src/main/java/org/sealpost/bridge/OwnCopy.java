package org.sealpost.bridge;

import static java.util.Objects.requireNonNull;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.sealpost.identity.Account;
import org.sealpost.identity.envelope.OpenedEnvelope;
import org.sealpost.identity.envelope.SenderCheck;

/**
 * A message an account files for itself: the Sent copy the SMTP bridge seals to the sender's own
 * account, and a message a mail client APPENDs to a folder (a draft, a copy). Every installation of
 * the account receives it like any envelope; the marker tells each bridge which folder it belongs
 * in (docs/adr/0007-smtp-bridge.md, docs/adr/0004-imap-bridge.md).
 *
 * <p>The marker is the header {@value #HEADER}{@code : <folder>} first in the sealed MIME, the
 * folder name percent-encoded as UTF-8 (header values are ASCII). Anyone can write any header, so a
 * reader honours it only through {@link #folder}: the envelope's signature must be verified and by
 * an installation of the reading account itself. The IMAP rendering drops every {@code
 * X-Sealpost-*} header a message carries, so a client never sees it.
 */
public final class OwnCopy {
  /** The header's name. */
  public static final String HEADER = "X-Sealpost-Folder";

  /** The folder of the Sent copy. */
  public static final String SENT = "Sent";

  private OwnCopy() {}

  /** {@code mime} with the marker for {@code folder} as its first header line. */
  public static byte[] mark(byte[] mime, String folder) {
    requireNonNull(mime, "mime");
    requireNonNull(folder, "folder");
    if (folder.isBlank()) {
      throw new IllegalArgumentException("folder: blank");
    }
    byte[] line = markerLine(folder);
    byte[] marked = Arrays.copyOf(line, line.length + mime.length);
    System.arraycopy(mime, 0, marked, line.length, mime.length);
    return marked;
  }

  /**
   * The folder {@code opened} is marked for, when it is {@code reader}'s own copy: verified as sent
   * by an installation of {@code reader} and marked in its header section. Empty otherwise.
   */
  public static Optional<String> folder(OpenedEnvelope opened, Account reader) {
    requireNonNull(opened, "opened");
    requireNonNull(reader, "reader");
    if (opened.sender() instanceof SenderCheck.Verified verified
        && verified.sender().account().equals(reader)) {
      return markedFolder(opened.mime());
    }
    return Optional.empty();
  }

  /** {@code mime} as it was before {@link #mark}: without a leading marker line. */
  public static byte[] unmark(byte[] mime) {
    requireNonNull(mime, "mime");
    int end = indexOf(mime, (byte) '\n');
    if (end < 0 || !isMarker(new String(mime, 0, end + 1, StandardCharsets.ISO_8859_1))) {
      return mime;
    }
    return Arrays.copyOfRange(mime, end + 1, mime.length);
  }

  /** The folder named by a marker anywhere in the header section (any letter case of the name). */
  static Optional<String> markedFolder(byte[] mime) {
    String text = new String(mime, StandardCharsets.ISO_8859_1);
    String prefix = HEADER.toLowerCase(Locale.ROOT) + ":";
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      String line = (end < 0 ? text.substring(start) : text.substring(start, end)).strip();
      if (line.isEmpty()) {
        return Optional.empty(); // end of the header section
      }
      if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
        String value = line.substring(prefix.length()).strip();
        try {
          String folder = URLDecoder.decode(value, StandardCharsets.UTF_8);
          return folder.isBlank() ? Optional.empty() : Optional.of(folder);
        } catch (IllegalArgumentException e) {
          return Optional.empty(); // not our encoding: not a marker we wrote
        }
      }
      if (end < 0) {
        return Optional.empty();
      }
      start = end + 1;
    }
    return Optional.empty();
  }

  private static boolean isMarker(String line) {
    return line.toLowerCase(Locale.ROOT).startsWith(HEADER.toLowerCase(Locale.ROOT) + ":");
  }

  private static byte[] markerLine(String folder) {
    String encoded = URLEncoder.encode(folder, StandardCharsets.UTF_8).replace("+", "%20");
    return (HEADER + ": " + encoded + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
