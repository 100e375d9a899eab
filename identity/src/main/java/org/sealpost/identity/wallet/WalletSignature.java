package org.sealpost.identity.wallet;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.sealpost.identity.Account;
import org.sealpost.identity.MalformedException;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/**
 * A wallet's EIP-191 {@code personal_sign} signature (PROTOCOL.md §2.1): 65 bytes {@code r || s ||
 * v}, written {@code 0x} + 130 hex digits. {@code v} is held as 27 or 28; 0 and 1 are read as
 * those.
 */
public final class WalletSignature {
  private static final Pattern SHAPE = Pattern.compile("0x[0-9a-fA-F]{130}");

  private final byte[] rsv;

  private WalletSignature(byte[] rsv) {
    this.rsv = rsv;
  }

  public static WalletSignature parse(String text) throws MalformedException {
    requireNonNull(text, "text");
    if (!SHAPE.matcher(text).matches()) {
      throw new MalformedException(
          "wallet signature: expected 0x followed by 130 hex digits (65 bytes r || s || v), got "
              + (text.length() > 20 ? text.length() + " characters" : "'" + text + "'"));
    }
    return of(HexFormat.of().parseHex(text, 2, text.length()));
  }

  public static WalletSignature of(byte[] rsv) throws MalformedException {
    requireNonNull(rsv, "rsv");
    if (rsv.length != 65) {
      throw new MalformedException(
          "wallet signature: " + rsv.length + " bytes (expected: 65, r || s || v)");
    }
    byte[] copy = rsv.clone();
    int v = copy[64] & 0xff;
    if (v == 0 || v == 1) {
      copy[64] = (byte) (v + 27);
    } else if (v != 27 && v != 28) {
      throw new MalformedException(
          "wallet signature: v = " + v + " (expected: 27 or 28, or 0 or 1 meaning those)");
    }
    return new WalletSignature(copy);
  }

  /**
   * The account whose key made this signature over {@code text}: secp256k1 public key recovery of
   * the EIP-191 hash of the UTF-8 bytes. Empty when no key can be recovered (a signature that is
   * not a point on the curve, or r or s out of range).
   */
  public Optional<Account> recoverSigner(String text) {
    requireNonNull(text, "text");
    Sign.SignatureData data =
        new Sign.SignatureData(
            rsv[64], Arrays.copyOfRange(rsv, 0, 32), Arrays.copyOfRange(rsv, 32, 64));
    try {
      BigInteger publicKey =
          Sign.signedPrefixedMessageToKey(text.getBytes(StandardCharsets.UTF_8), data);
      return Optional.of(Account.parse("0x" + Keys.getAddress(publicKey)));
    } catch (SignatureException | RuntimeException | MalformedException unrecoverable) {
      // web3j reports out-of-range r, s and points off the curve as unchecked exceptions.
      return Optional.empty();
    }
  }

  public byte[] bytes() {
    return rsv.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof WalletSignature that && Arrays.equals(rsv, that.rsv);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(rsv);
  }

  /** {@code 0x} + 130 lowercase hex digits. */
  @Override
  public String toString() {
    return "0x" + HexFormat.of().formatHex(rsv);
  }
}
