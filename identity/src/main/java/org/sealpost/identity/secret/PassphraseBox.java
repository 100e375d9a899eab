package org.sealpost.identity.secret;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.sealpost.identity.MalformedException;

/**
 * Encrypts small secrets (private keys) under a passphrase, for keeping them at rest: Argon2id (RFC
 * 9106) derives an AES-256-GCM key. The box carries its own salt and cost parameters, so they can
 * be raised later without breaking old boxes.
 *
 * <p>Layout: {@code "SPBX" || version(1) || memoryKiB(u32) || iterations(u32) || parallelism(u8) ||
 * salt(16) || nonce(12) || ciphertext-with-tag}. The header is the GCM associated data.
 */
public final class PassphraseBox {
  private static final byte[] MAGIC = "SPBX".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final int HEADER = MAGIC.length + 1 + 4 + 4 + 1;
  private static final int SALT = 16;
  private static final int NONCE = 12;

  /** RFC 9106 §4 second recommended option (64 MiB, 3 passes): a fraction of a second here. */
  public static final PassphraseBox RECOMMENDED = new PassphraseBox(64 * 1024, 3, 1);

  private final int memoryKiB;
  private final int iterations;
  private final int parallelism;

  public PassphraseBox(int memoryKiB, int iterations, int parallelism) {
    if (memoryKiB < 8 || iterations < 1 || parallelism < 1 || parallelism > 255) {
      throw new IllegalArgumentException(
          "Argon2 cost: memory "
              + memoryKiB
              + " KiB, "
              + iterations
              + " passes, parallelism "
              + parallelism
              + " (expected: >= 8 KiB, >= 1 pass, 1-255 lanes)");
    }
    this.memoryKiB = memoryKiB;
    this.iterations = iterations;
    this.parallelism = parallelism;
  }

  public byte[] seal(byte[] secret, char[] passphrase, SecureRandom random) {
    requireNonNull(secret, "secret");
    requireNonNull(passphrase, "passphrase");
    byte[] salt = new byte[SALT];
    byte[] nonce = new byte[NONCE];
    random.nextBytes(salt);
    random.nextBytes(nonce);
    byte[] header =
        ByteBuffer.allocate(HEADER)
            .put(MAGIC)
            .put((byte) VERSION)
            .putInt(memoryKiB)
            .putInt(iterations)
            .put((byte) parallelism)
            .array();
    byte[] key = Argon2id.derive(passphrase, salt, memoryKiB, iterations, parallelism, 32);
    try {
      byte[] ciphertext = gcm(Cipher.ENCRYPT_MODE, key, nonce, header, secret);
      return ByteBuffer.allocate(HEADER + SALT + NONCE + ciphertext.length)
          .put(header)
          .put(salt)
          .put(nonce)
          .put(ciphertext)
          .array();
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * Opens a box made by any {@code PassphraseBox} (its own cost parameters are used).
   *
   * @throws WrongPassphraseException if the passphrase is wrong or the box was altered
   * @throws MalformedException if {@code box} is not a box at all
   */
  public static byte[] open(byte[] box, char[] passphrase)
      throws WrongPassphraseException, MalformedException {
    requireNonNull(box, "box");
    requireNonNull(passphrase, "passphrase");
    if (box.length < HEADER + SALT + NONCE + 16
        || !Arrays.equals(Arrays.copyOf(box, MAGIC.length), MAGIC)) {
      throw new MalformedException(
          "not an encrypted key file (expected a Sealpost passphrase box)");
    }
    ByteBuffer in = ByteBuffer.wrap(box);
    in.position(MAGIC.length);
    int version = in.get();
    if (version != VERSION) {
      throw new MalformedException(
          "encrypted key file version " + version + " (expected: " + VERSION + ")");
    }
    int memory = in.getInt();
    int passes = in.getInt();
    int lanes = in.get() & 0xff;
    if (memory < 8 || memory > 4 * 1024 * 1024 || passes < 1 || passes > 100 || lanes < 1) {
      throw new MalformedException("encrypted key file has unreasonable cost parameters");
    }
    byte[] salt = new byte[SALT];
    byte[] nonce = new byte[NONCE];
    in.get(salt).get(nonce);
    byte[] ciphertext = new byte[in.remaining()];
    in.get(ciphertext);
    byte[] key = Argon2id.derive(passphrase, salt, memory, passes, lanes, 32);
    try {
      return gcm(Cipher.DECRYPT_MODE, key, nonce, Arrays.copyOf(box, HEADER), ciphertext);
    } catch (IllegalStateException e) {
      throw new WrongPassphraseException();
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private static byte[] gcm(int mode, byte[] key, byte[] nonce, byte[] aad, byte[] input) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      cipher.updateAAD(aad);
      return cipher.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The passphrase does not open the box (or the box was altered). */
  public static final class WrongPassphraseException extends Exception {
    private static final long serialVersionUID = 1L;

    WrongPassphraseException() {
      super("wrong passphrase (or the key file was altered)");
    }
  }
}
