package org.sealpost.identity.installation;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.sealpost.identity.MalformedException;

/**
 * An Ed25519 key pair that signs: an installation's (envelopes, API requests) or a server's
 * (gateway mail, federation). Holds a secret; {@link #toString()} never shows it.
 */
public final class SigningKeys {
  private final Ed25519PrivateKeyParameters privateKey;
  private final SigningPublicKey publicKey;

  private SigningKeys(Ed25519PrivateKeyParameters privateKey) {
    this.privateKey = privateKey;
    this.publicKey = SigningPublicKey.of(privateKey.generatePublicKey().getEncoded());
  }

  public static SigningKeys generate(SecureRandom random) {
    requireNonNull(random, "random");
    return new SigningKeys(new Ed25519PrivateKeyParameters(random));
  }

  /** Restores a key pair from its 32-byte RFC 8032 private key (the seed). */
  public static SigningKeys fromPrivateKey(byte[] seed) throws MalformedException {
    requireNonNull(seed, "seed");
    if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
      throw new MalformedException(
          "signing private key: "
              + seed.length
              + " bytes (expected: "
              + Ed25519PrivateKeyParameters.KEY_SIZE
              + ")");
    }
    return new SigningKeys(new Ed25519PrivateKeyParameters(seed, 0));
  }

  public SigningPublicKey publicKey() {
    return publicKey;
  }

  /** The 32-byte private key, for storage that protects it. */
  public byte[] privateKey() {
    return privateKey.getEncoded();
  }

  /** An RFC 8032 Ed25519 signature (64 bytes) of {@code message}. Thread-safe. */
  public byte[] sign(byte[] message) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, privateKey);
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  @Override
  public String toString() {
    return "SigningKeys[public=" + publicKey + "]";
  }
}
