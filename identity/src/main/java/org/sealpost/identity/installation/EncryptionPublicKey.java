package org.sealpost.identity.installation;

import org.sealpost.identity.FixedBytes;
import org.sealpost.identity.Hex;
import org.sealpost.identity.MalformedException;

/** An X25519 public key (RFC 7748): an installation's HPKE recipient key (PROTOCOL.md §2). */
public final class EncryptionPublicKey extends FixedBytes {
  public static final int LENGTH = 32;

  private EncryptionPublicKey(byte[] bytes) {
    super("encryption key", bytes, LENGTH);
  }

  public static EncryptionPublicKey of(byte[] bytes) {
    return new EncryptionPublicKey(bytes);
  }

  public static EncryptionPublicKey parse(String field, String hex) throws MalformedException {
    return new EncryptionPublicKey(Hex.decode(field, hex, LENGTH));
  }
}
