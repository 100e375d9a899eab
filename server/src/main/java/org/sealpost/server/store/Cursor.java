package org.sealpost.server.store;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Optional;

/**
 * A position in one account's inbox: the store's sequence number of the last envelope seen. Clients
 * hold it as an opaque string ({@link #encode()}); only this class reads it.
 */
public record Cursor(long sequence) implements Comparable<Cursor> {
  /** Before the first envelope: stores number envelopes from 1. */
  public static final Cursor START = new Cursor(0);

  public Cursor {
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence: " + sequence + " (expected: >= 0)");
    }
  }

  /** URL-safe, unpadded base64 of the 8-byte sequence. */
  public String encode() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(ByteBuffer.allocate(Long.BYTES).putLong(sequence).array());
  }

  /** The cursor a client sent, or empty if it is not one of ours. */
  public static Optional<Cursor> decode(String text) {
    if (text == null || text.length() != 11) {
      return Optional.empty();
    }
    try {
      long sequence = ByteBuffer.wrap(Base64.getUrlDecoder().decode(text)).getLong();
      return sequence < 0 ? Optional.empty() : Optional.of(new Cursor(sequence));
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
  }

  @Override
  public int compareTo(Cursor other) {
    return Long.compare(sequence, other.sequence);
  }
}
