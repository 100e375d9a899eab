package org.sealpost.bench.imap;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The messages both servers hold: the same plain-text mails, about 4 KiB each, numbered from 0,
 * with subjects drawn from a small vocabulary so that a header SEARCH for one word finds a few
 * percent of the mailbox on either server.
 */
final class BenchMessages {
  /** Subject words; SEARCH looks for one of them. */
  static final List<String> WORDS =
      List.of(
          "invoice",
          "meeting",
          "harbor",
          "garden",
          "quarterly",
          "review",
          "lunch",
          "travel",
          "budget",
          "release",
          "concert",
          "ticket",
          "update",
          "hiring",
          "draft",
          "photos",
          "library",
          "weekend",
          "contract",
          "repair",
          "birthday",
          "summary",
          "order",
          "delivery",
          "workshop",
          "feedback",
          "schedule",
          "minutes",
          "report",
          "holiday",
          "payment",
          "notes",
          "proposal",
          "agenda",
          "invitation",
          "reminder",
          "question",
          "recipe",
          "bicycle",
          "apartment",
          "newsletter",
          "training",
          "migration",
          "backup",
          "server",
          "lecture",
          "dentist",
          "flight",
          "museum",
          "football");

  static final int BYTES = 4096;
  private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
  private static final Instant EPOCH = Instant.parse("2026-11-01T08:00:00Z");

  private BenchMessages() {}

  /** Message {@code number}: RFC 5322, CRLF line ends, {@value #BYTES} bytes. */
  static byte[] mime(int number, String from, String to) {
    SplittableRandom random = new SplittableRandom(number * 7919L + 17);
    String subject =
        WORDS.get(random.nextInt(WORDS.size()))
            + " "
            + WORDS.get(random.nextInt(WORDS.size()))
            + " #"
            + number;
    StringBuilder text =
        new StringBuilder()
            .append("From: ")
            .append(from)
            .append("\r\nTo: ")
            .append(to)
            .append("\r\nSubject: ")
            .append(subject)
            .append("\r\nDate: ")
            .append(DATE.format(EPOCH.plusSeconds(60L * number).atZone(ZoneOffset.UTC)))
            .append("\r\nMessage-ID: <bench-")
            .append(number)
            .append("@bench.test>\r\nMIME-Version: 1.0\r\n")
            .append("Content-Type: text/plain; charset=utf-8\r\n\r\n");
    // Words of the vocabulary and filler, in 72-column lines: text a mail client would show.
    int column = 0;
    while (text.length() < BYTES - 2) {
      String word =
          random.nextInt(4) == 0
              ? WORDS.get(random.nextInt(WORDS.size()))
              : Integer.toString(random.nextInt(1_000_000), 36);
      if (column + word.length() > 72) {
        text.append("\r\n");
        column = 0;
      }
      text.append(word).append(' ');
      column += word.length() + 1;
    }
    text.setLength(BYTES - 2);
    if (text.charAt(BYTES - 3) == '\r') {
      text.setCharAt(BYTES - 3, ' '); // cut between CR and LF: no bare CR in the message
    }
    text.append("\r\n");
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
