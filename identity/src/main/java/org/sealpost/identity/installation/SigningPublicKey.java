package org.sealpost.identity.installation;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.sealpost.identity.FixedBytes;
import org.sealpost.identity.Hex;
import org.sealpost.identity.MalformedException;

/** An Ed25519 public key (RFC 8032): an installation's or a server's signing key. */
public final class SigningPublicKey extends FixedBytes {
  public static final int LENGTH = 32;

  private SigningPublicKey(byte[] bytes) {
    super("signing key", bytes, LENGTH);
  }

  public static SigningPublicKey of(byte[] bytes) {
    return new SigningPublicKey(bytes);
  }

  public static SigningPublicKey parse(String field, String hex) throws MalformedException {
    return new SigningPublicKey(Hex.decode(field, hex, LENGTH));
  }

  /** RFC 8032 §5.1.7 verification; false for any signature that does not verify. */
  public boolean verify(byte[] message, byte[] signature) {
    if (signature.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) {
      return false;
    }
    Ed25519PublicKeyParameters key;
    try {
      key = new Ed25519PublicKeyParameters(bytes(), 0);
    } catch (IllegalArgumentException notOnCurve) {
      return false;
    }
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, key);
    verifier.update(message, 0, message.length);
    return verifier.verifySignature(signature);
  }
}
