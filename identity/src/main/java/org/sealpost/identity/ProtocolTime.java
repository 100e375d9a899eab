package org.sealpost.identity;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/**
 * Times as PROTOCOL.md writes them: RFC 3339 UTC with whole seconds and a {@code Z}, e.g. {@code
 * 2026-11-24T10:00:00Z}. One spelling only, because times are part of signed texts.
 */
public final class ProtocolTime {
  private static final Pattern SHAPE =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");

  private ProtocolTime() {}

  public static String format(Instant time) {
    requireNonNull(time, "time");
    if (time.getNano() != 0) {
      throw new IllegalArgumentException("time: " + time + " (expected: whole seconds)");
    }
    return time.toString();
  }

  public static Instant parse(String field, String text) throws MalformedException {
    requireNonNull(text, field);
    if (!SHAPE.matcher(text).matches()) {
      throw new MalformedException(
          field
              + ": '"
              + Account.abbreviate(text)
              + "' (expected: UTC time with whole seconds, like 2026-11-24T10:00:00Z)");
    }
    Instant time;
    try {
      time = Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new MalformedException(field + ": '" + text + "' is not a valid date and time", e);
    }
    // Instant.parse normalises 24:00:00 and leap seconds; a signed text must round-trip exactly.
    if (!time.toString().equals(text)) {
      throw new MalformedException(field + ": '" + text + "' is not a valid date and time");
    }
    return time;
  }

  /** The time truncated to whole seconds, the precision every signed time has. */
  public static Instant truncate(Instant time) {
    return time.truncatedTo(ChronoUnit.SECONDS);
  }
}
