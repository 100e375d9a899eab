package org.sealpost.identity;

import static java.util.Objects.requireNonNull;

import java.util.HexFormat;
import java.util.regex.Pattern;

/** Lowercase hex without {@code 0x}, as PROTOCOL.md writes bytes. */
public final class Hex {
  private static final HexFormat LOWER = HexFormat.of();
  private static final Pattern LOWER_HEX = Pattern.compile("([0-9a-f]{2})*");

  private Hex() {}

  public static String encode(byte[] bytes) {
    return LOWER.formatHex(bytes);
  }

  /**
   * Decodes lowercase hex of exactly {@code length} bytes. Uppercase is refused on purpose: these
   * strings are copied into signed texts, where another spelling would be another text.
   */
  public static byte[] decode(String field, String text, int length) throws MalformedException {
    requireNonNull(text, field);
    if (text.length() != 2 * length || !LOWER_HEX.matcher(text).matches()) {
      throw new MalformedException(
          field
              + ": '"
              + Account.abbreviate(text)
              + "' (expected: "
              + 2 * length
              + " lowercase hex digits)");
    }
    return LOWER.parseHex(text);
  }
}
