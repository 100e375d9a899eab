package org.sealpost.identity;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Base of the small value types that wrap a fixed number of public bytes (ids, public keys). Equal
 * by content; {@link #toString()} is the lowercase hex the protocol writes.
 */
public abstract class FixedBytes {
  private final byte[] bytes;

  protected FixedBytes(String field, byte[] bytes, int length) {
    requireNonNull(bytes, field);
    if (bytes.length != length) {
      throw new IllegalArgumentException(
          field + ": " + bytes.length + " bytes (expected: " + length + ")");
    }
    this.bytes = bytes.clone();
  }

  /** A copy of the bytes. */
  public final byte[] bytes() {
    return bytes.clone();
  }

  public final String hex() {
    return Hex.encode(bytes);
  }

  @Override
  public final boolean equals(Object other) {
    return other != null
        && other.getClass() == getClass()
        && MessageDigest.isEqual(bytes, ((FixedBytes) other).bytes);
  }

  @Override
  public final int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public final String toString() {
    return hex();
  }
}
