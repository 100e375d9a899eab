package org.sealpost.bridge.imap;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.apache.james.mailbox.model.MessageId;

/**
 * A message's id (OBJECTID's EMAILID, James's thread base): 16 random bytes in hex, stored with the
 * row, so it stays the same across restarts and is shared by copies of the message.
 */
record SealpostMessageId(String value) implements MessageId {
  SealpostMessageId {
    requireNonNull(value, "value");
  }

  @Override
  public String serialize() {
    return value;
  }

  @Override
  public boolean isSerializable() {
    return true;
  }

  /** Makes and parses {@link SealpostMessageId}s. */
  static final class Factory implements MessageId.Factory {
    private final SecureRandom random;

    Factory(SecureRandom random) {
      this.random = random;
    }

    @Override
    public MessageId fromString(String serialized) {
      return new SealpostMessageId(serialized);
    }

    @Override
    public SealpostMessageId generate() {
      byte[] bytes = new byte[16];
      random.nextBytes(bytes);
      return new SealpostMessageId(HexFormat.of().formatHex(bytes));
    }
  }
}
