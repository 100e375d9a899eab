package org.sealpost.identity;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.regex.Pattern;
import org.web3j.crypto.Keys;

/**
 * An EVM wallet address, the owner of an inbox (PROTOCOL.md §1). Always held in the canonical form
 * {@code 0x} + 40 lowercase hex digits.
 */
public final class Account {
  private static final Pattern SHAPE = Pattern.compile("0x[0-9a-fA-F]{40}");

  private final String canonical;

  private Account(String canonical) {
    this.canonical = canonical;
  }

  /**
   * Parses an account as §1 reads input: all-lowercase and all-uppercase hex are taken as they are;
   * mixed case must carry a valid EIP-55 checksum, since a wrong one is most likely a typo.
   */
  public static Account parse(String text) throws MalformedException {
    requireNonNull(text, "text");
    if (!SHAPE.matcher(text).matches()) {
      throw new MalformedException(
          "account: '" + abbreviate(text) + "' (expected: 0x followed by 40 hex digits)");
    }
    String hex = text.substring(2);
    boolean mixedCase =
        !hex.equals(hex.toLowerCase(Locale.ROOT)) && !hex.equals(hex.toUpperCase(Locale.ROOT));
    String canonical = "0x" + hex.toLowerCase(Locale.ROOT);
    if (mixedCase && !Keys.toChecksumAddress(canonical).equals(text)) {
      throw new MalformedException(
          "account: "
              + text
              + " has a wrong EIP-55 checksum (expected: "
              + Keys.toChecksumAddress(canonical)
              + "); check it for a typo");
    }
    return new Account(canonical);
  }

  /** The account of a 20-byte address. */
  public static Account fromBytes(byte[] address) {
    requireNonNull(address, "address");
    if (address.length != 20) {
      throw new IllegalArgumentException("address: " + address.length + " bytes (expected: 20)");
    }
    return new Account("0x" + Hex.encode(address));
  }

  /** {@code 0x} + 40 lowercase hex digits: the form used in every signed text and on the wire. */
  public String canonical() {
    return canonical;
  }

  /** The EIP-55 mixed-case form, for people to read. */
  public String checksummed() {
    return Keys.toChecksumAddress(canonical);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Account that && canonical.equals(that.canonical);
  }

  @Override
  public int hashCode() {
    return canonical.hashCode();
  }

  @Override
  public String toString() {
    return canonical;
  }

  static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
