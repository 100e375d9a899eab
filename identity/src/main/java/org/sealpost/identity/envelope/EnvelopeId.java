package org.sealpost.identity.envelope;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import org.sealpost.identity.FixedBytes;
import org.sealpost.identity.Hex;
import org.sealpost.identity.MalformedException;

/** The 16 random bytes a sender picks for an envelope; servers deduplicate by (recipient, id). */
public final class EnvelopeId extends FixedBytes {
  public static final int LENGTH = 16;

  private EnvelopeId(byte[] bytes) {
    super("envelope id", bytes, LENGTH);
  }

  public static EnvelopeId of(byte[] bytes) {
    return new EnvelopeId(bytes);
  }

  public static EnvelopeId random(SecureRandom random) {
    requireNonNull(random, "random");
    byte[] bytes = new byte[LENGTH];
    random.nextBytes(bytes);
    return new EnvelopeId(bytes);
  }

  public static EnvelopeId parse(String hex) throws MalformedException {
    return new EnvelopeId(Hex.decode("envelope id", hex, LENGTH));
  }
}
