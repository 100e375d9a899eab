package org.sealpost.identity.secret;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/** Argon2id (RFC 9106, version 0x13) of a password, for keys and for password hashes. */
public final class Argon2id {
  private Argon2id() {}

  /**
   * Derives {@code length} bytes from the UTF-8 bytes of {@code password}; the intermediate copy of
   * the password is wiped.
   */
  public static byte[] derive(
      char[] password, byte[] salt, int memoryKiB, int iterations, int parallelism, int length) {
    requireNonNull(password, "password");
    requireNonNull(salt, "salt");
    Argon2BytesGenerator argon2 = new Argon2BytesGenerator();
    argon2.init(
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(memoryKiB)
            .withIterations(iterations)
            .withParallelism(parallelism)
            .withSalt(salt)
            .build());
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    byte[] out = new byte[length];
    argon2.generateBytes(bytes, out);
    Arrays.fill(bytes, (byte) 0);
    return out;
  }
}
