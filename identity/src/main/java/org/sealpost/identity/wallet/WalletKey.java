package org.sealpost.identity.wallet;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.sealpost.identity.Account;
import org.sealpost.identity.MalformedException;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/**
 * A wallet's secp256k1 private key, for the cases where the user hands it over (a command that
 * links an installation without a wallet app, and tests). Never printed: {@link #toString()} shows
 * the account only.
 */
public final class WalletKey {
  private static final Pattern SHAPE = Pattern.compile("(0x)?[0-9a-fA-F]{64}");

  private final ECKeyPair keyPair;
  private final Account account;

  private WalletKey(ECKeyPair keyPair) {
    this.keyPair = keyPair;
    try {
      this.account = Account.parse("0x" + Keys.getAddress(keyPair.getPublicKey()));
    } catch (MalformedException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** Parses 64 hex digits, {@code 0x} optional. */
  public static WalletKey parse(String hex) throws MalformedException {
    requireNonNull(hex, "hex");
    String trimmed = hex.strip();
    if (!SHAPE.matcher(trimmed).matches()) {
      throw new MalformedException(
          "wallet private key: expected 64 hex digits (0x optional), got "
              + trimmed.length()
              + " characters");
    }
    BigInteger secret =
        new BigInteger(trimmed.startsWith("0x") ? trimmed.substring(2) : trimmed, 16);
    if (secret.signum() == 0 || secret.compareTo(Sign.CURVE_PARAMS.getN()) >= 0) {
      throw new MalformedException("wallet private key: not a valid secp256k1 private key");
    }
    return new WalletKey(ECKeyPair.create(secret));
  }

  public Account account() {
    return account;
  }

  /** EIP-191 {@code personal_sign} of the UTF-8 bytes of {@code text}. */
  public WalletSignature signPersonal(String text) {
    requireNonNull(text, "text");
    Sign.SignatureData data =
        Sign.signPrefixedMessage(text.getBytes(StandardCharsets.UTF_8), keyPair);
    byte[] rsv = new byte[65];
    System.arraycopy(data.getR(), 0, rsv, 0, 32);
    System.arraycopy(data.getS(), 0, rsv, 32, 32);
    rsv[64] = data.getV()[0];
    try {
      return WalletSignature.of(rsv);
    } catch (MalformedException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  @Override
  public String toString() {
    return "WalletKey[" + account + "]";
  }
}
