package org.sealpost.identity.envelope;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/** The primitives of §3.1 steps 2–4, in one place so that sealing and opening cannot drift. */
final class Crypto {
  static final int CONTENT_KEY_LENGTH = 32;
  private static final byte[] WRAP_LABEL = "sealpost-v1-wrap".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SIG_LABEL = "sealpost-v1-sig".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NO_AAD = new byte[0];

  private Crypto() {}

  /** RFC 9180 suite of §3.1 step 4: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM. */
  static HPKE hpke() {
    return new HPKE(
        HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
  }

  /** {@code ascii("sealpost-v1-sig") || H || SHA-256(mime)}: what the sender's key signs. */
  static byte[] signedMessage(byte[] headerHash, byte[] mime) {
    byte[] mimeHash = Envelope.sha256(mime);
    byte[] out = new byte[SIG_LABEL.length + headerHash.length + mimeHash.length];
    System.arraycopy(SIG_LABEL, 0, out, 0, SIG_LABEL.length);
    System.arraycopy(headerHash, 0, out, SIG_LABEL.length, headerHash.length);
    System.arraycopy(mimeHash, 0, out, SIG_LABEL.length + headerHash.length, mimeHash.length);
    return out;
  }

  /** {@code ascii("sealpost-v1-wrap") || H}: the HPKE info of every key wrap. */
  static byte[] wrapInfo(byte[] headerHash) {
    byte[] out = new byte[WRAP_LABEL.length + headerHash.length];
    System.arraycopy(WRAP_LABEL, 0, out, 0, WRAP_LABEL.length);
    System.arraycopy(headerHash, 0, out, WRAP_LABEL.length, headerHash.length);
    return out;
  }

  /** Returns {@code enc || ciphertext} parts of one key wrap, using the given ephemeral key. */
  static byte[][] wrap(
      byte[] recipientPublicKey, byte[] info, byte[] contentKey, AsymmetricCipherKeyPair ephemeral)
      throws InvalidCipherTextException {
    HPKE hpke = hpke();
    var context =
        hpke.setupBaseS(new X25519PublicKeyParameters(recipientPublicKey, 0), info, ephemeral);
    return new byte[][] {context.getEncapsulation(), context.seal(NO_AAD, contentKey)};
  }

  static byte[] unwrap(
      X25519PrivateKeyParameters recipientKey, byte[] enc, byte[] info, byte[] wrapped)
      throws InvalidCipherTextException {
    AsymmetricCipherKeyPair keyPair =
        new AsymmetricCipherKeyPair(recipientKey.generatePublicKey(), recipientKey);
    return hpke().setupBaseR(enc, keyPair, info).open(NO_AAD, wrapped);
  }

  static byte[] aesGcm(int mode, byte[] key, byte[] nonce, byte[] aad, byte[] input)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    cipher.updateAAD(aad);
    return cipher.doFinal(input);
  }
}
