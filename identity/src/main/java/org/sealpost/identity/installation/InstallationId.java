package org.sealpost.identity.installation;

import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.sealpost.identity.FixedBytes;
import org.sealpost.identity.Hex;
import org.sealpost.identity.MalformedException;

/**
 * An installation's id (PROTOCOL.md §2): the first 16 bytes of {@code SHA-256(signing_pub ||
 * encryption_pub)}, written as 32 hex digits. It names the keys, so it cannot be chosen freely.
 */
public final class InstallationId extends FixedBytes {
  public static final int LENGTH = 16;

  private InstallationId(byte[] bytes) {
    super("installation id", bytes, LENGTH);
  }

  public static InstallationId of(SigningPublicKey signingKey, EncryptionPublicKey encryptionKey) {
    SHA256Digest sha256 = new SHA256Digest();
    byte[] signing = signingKey.bytes();
    byte[] encryption = encryptionKey.bytes();
    sha256.update(signing, 0, signing.length);
    sha256.update(encryption, 0, encryption.length);
    byte[] digest = new byte[sha256.getDigestSize()];
    sha256.doFinal(digest, 0);
    return new InstallationId(Arrays.copyOf(digest, LENGTH));
  }

  public static InstallationId parse(String field, String hex) throws MalformedException {
    return new InstallationId(Hex.decode(field, hex, LENGTH));
  }
}
