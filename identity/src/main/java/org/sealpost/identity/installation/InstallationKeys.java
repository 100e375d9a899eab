package org.sealpost.identity.installation;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.sealpost.identity.MalformedException;

/**
 * The private half of an installation (PROTOCOL.md §2): an Ed25519 signing key and an X25519 HPKE
 * recipient key. Holds secrets; {@link #toString()} shows only the id.
 */
public final class InstallationKeys {
  private final SigningKeys signing;
  private final X25519PrivateKeyParameters encryption;
  private final EncryptionPublicKey encryptionPublicKey;
  private final InstallationId id;

  private InstallationKeys(SigningKeys signing, X25519PrivateKeyParameters encryption) {
    this.signing = signing;
    this.encryption = encryption;
    this.encryptionPublicKey = EncryptionPublicKey.of(encryption.generatePublicKey().getEncoded());
    this.id = InstallationId.of(signing.publicKey(), encryptionPublicKey);
  }

  public static InstallationKeys generate(SecureRandom random) {
    requireNonNull(random, "random");
    return new InstallationKeys(
        SigningKeys.generate(random), new X25519PrivateKeyParameters(random));
  }

  /** Restores an installation from its two 32-byte private keys. */
  public static InstallationKeys fromPrivateKeys(byte[] signingKey, byte[] encryptionKey)
      throws MalformedException {
    requireNonNull(encryptionKey, "encryptionKey");
    if (encryptionKey.length != X25519PrivateKeyParameters.KEY_SIZE) {
      throw new MalformedException(
          "encryption private key: "
              + encryptionKey.length
              + " bytes (expected: "
              + X25519PrivateKeyParameters.KEY_SIZE
              + ")");
    }
    return new InstallationKeys(
        SigningKeys.fromPrivateKey(signingKey), new X25519PrivateKeyParameters(encryptionKey, 0));
  }

  public InstallationId id() {
    return id;
  }

  public SigningKeys signing() {
    return signing;
  }

  public SigningPublicKey signingPublicKey() {
    return signing.publicKey();
  }

  public EncryptionPublicKey encryptionPublicKey() {
    return encryptionPublicKey;
  }

  /** The 32-byte X25519 private key, for storage that protects it. */
  public byte[] encryptionPrivateKey() {
    return encryption.getEncoded();
  }

  @Override
  public String toString() {
    return "InstallationKeys[id=" + id + "]";
  }
}
