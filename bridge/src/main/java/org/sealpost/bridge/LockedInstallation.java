package org.sealpost.bridge;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.installation.InstallationId;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.secret.PassphraseBox;

/**
 * A bridge installation's private keys as kept at rest: sealed in a {@link PassphraseBox} under the
 * bridge password (or a configured passphrase), so a copied data directory does not give the keys
 * away. The id is kept in the clear to find the right box.
 */
public record LockedInstallation(InstallationId id, byte[] box) {
  public LockedInstallation {
    requireNonNull(id, "id");
    box = requireNonNull(box, "box").clone();
  }

  @Override
  public byte[] box() {
    return box.clone();
  }

  public static LockedInstallation lock(
      InstallationKeys keys, char[] passphrase, PassphraseBox cost, SecureRandom random) {
    byte[] secrets =
        ByteBuffer.allocate(64)
            .put(keys.signing().privateKey())
            .put(keys.encryptionPrivateKey())
            .array();
    try {
      return new LockedInstallation(keys.id(), cost.seal(secrets, passphrase, random));
    } finally {
      Arrays.fill(secrets, (byte) 0);
    }
  }

  /**
   * The keys, if {@code passphrase} is right.
   *
   * @throws PassphraseBox.WrongPassphraseException for a wrong passphrase
   * @throws MalformedException if the box is damaged or holds other keys than {@link #id()}
   */
  public InstallationKeys unlock(char[] passphrase)
      throws PassphraseBox.WrongPassphraseException, MalformedException {
    byte[] secrets = PassphraseBox.open(box, passphrase);
    try {
      if (secrets.length != 64) {
        throw new MalformedException(
            "locked installation " + id + ": " + secrets.length + " bytes of keys (expected: 64)");
      }
      InstallationKeys keys =
          InstallationKeys.fromPrivateKeys(
              Arrays.copyOfRange(secrets, 0, 32), Arrays.copyOfRange(secrets, 32, 64));
      if (!keys.id().equals(id)) {
        throw new MalformedException(
            "locked installation " + id + " holds the keys of " + keys.id());
      }
      return keys;
    } finally {
      Arrays.fill(secrets, (byte) 0);
    }
  }
}
