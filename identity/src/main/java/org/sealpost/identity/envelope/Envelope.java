package org.sealpost.identity.envelope;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.sealpost.identity.Account;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.envelope.proto.KeyWrap;
import org.sealpost.identity.installation.InstallationId;

/**
 * A sealed message for one recipient account (PROTOCOL.md §3), checked for shape: what a server or
 * installation may rely on before opening it. Only the fields of §3.3 are readable here; the rest
 * is ciphertext.
 */
public final class Envelope {
  public static final int VERSION = 1;
  static final int NONCE_LENGTH = 12;
  static final int TAG_LENGTH = 16;
  static final int ENC_LENGTH = 32;
  static final int WRAPPED_KEY_LENGTH = 48;

  private static final byte[] HEADER_LABEL =
      "sealpost-v1-header".getBytes(StandardCharsets.US_ASCII);

  private final org.sealpost.identity.envelope.proto.Envelope message;
  private final EnvelopeId id;
  private final Account recipient;
  private final List<InstallationId> wrapInstallations;
  private final byte[] serialized;

  private Envelope(
      org.sealpost.identity.envelope.proto.Envelope message,
      EnvelopeId id,
      Account recipient,
      List<InstallationId> wrapInstallations,
      byte[] serialized) {
    this.message = message;
    this.serialized = serialized;
    this.id = id;
    this.recipient = recipient;
    this.wrapInstallations = wrapInstallations;
  }

  /** Parses a serialized {@code Envelope} and checks every field's shape. */
  public static Envelope parse(byte[] serialized) throws MalformedException {
    requireNonNull(serialized, "serialized");
    org.sealpost.identity.envelope.proto.Envelope message;
    try {
      message = org.sealpost.identity.envelope.proto.Envelope.parseFrom(serialized);
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedException(
          "envelope: not a valid protobuf Envelope (" + e.getMessage() + ")");
    }
    return of(message, serialized.clone());
  }

  /**
   * Checks a message's shape; {@code serialized} is the bytes it was parsed from, kept so that what
   * is stored and relayed is exactly what the sender sent (a re-encoding could differ).
   */
  static Envelope of(org.sealpost.identity.envelope.proto.Envelope message, byte[] serialized)
      throws MalformedException {
    if (message.getVersion() != VERSION) {
      throw new MalformedException(
          "envelope: version " + message.getVersion() + " (expected: " + VERSION + ")");
    }
    requireLength("envelope id", message.getId(), EnvelopeId.LENGTH);
    requireLength("envelope nonce", message.getNonce(), NONCE_LENGTH);
    if (message.getCiphertext().size() < TAG_LENGTH) {
      throw new MalformedException(
          "envelope ciphertext: "
              + message.getCiphertext().size()
              + " bytes (expected: at least "
              + TAG_LENGTH
              + ", the GCM tag)");
    }
    Account recipient = Account.parse(message.getRecipient());
    if (!recipient.canonical().equals(message.getRecipient())) {
      throw new MalformedException(
          "envelope recipient: '"
              + message.getRecipient()
              + "' (expected: canonical "
              + recipient
              + ")");
    }
    if (message.getWrapsCount() == 0) {
      throw new MalformedException(
          "envelope: no key wraps (expected: one per recipient installation)");
    }
    Set<InstallationId> seen = new HashSet<>();
    for (KeyWrap wrap : message.getWrapsList()) {
      InstallationId installation =
          InstallationId.parse("key wrap installation", wrap.getInstallation());
      if (!seen.add(installation)) {
        throw new MalformedException("envelope: two key wraps for installation " + installation);
      }
      requireLength("key wrap enc", wrap.getEnc(), ENC_LENGTH);
      requireLength("key wrap wrapped_key", wrap.getWrappedKey(), WRAPPED_KEY_LENGTH);
    }
    return new Envelope(
        message,
        EnvelopeId.of(message.getId().toByteArray()),
        recipient,
        List.copyOf(seen),
        serialized);
  }

  private static void requireLength(String field, ByteString value, int length)
      throws MalformedException {
    if (value.size() != length) {
      throw new MalformedException(
          field + ": " + value.size() + " bytes (expected: " + length + ")");
    }
  }

  public EnvelopeId id() {
    return id;
  }

  public Account recipient() {
    return recipient;
  }

  /** The sender's clock when sealing; claimed, not verified. */
  public Instant createdAt() {
    return Instant.ofEpochMilli(message.getCreatedAtMs());
  }

  /** The installations that hold a key wrap, in no particular order. */
  public List<InstallationId> wrapInstallations() {
    return wrapInstallations;
  }

  public int size() {
    return serialized.length;
  }

  /** The serialized {@code Envelope}, byte for byte as received (or as sealed). */
  public byte[] toByteArray() {
    return serialized.clone();
  }

  org.sealpost.identity.envelope.proto.Envelope message() {
    return message;
  }

  /** §3.1 step 1: the header hash {@code H}, binding id, recipient and time to every signature. */
  byte[] headerHash() {
    return headerHash(
        message.getId().toByteArray(), message.getRecipient(), message.getCreatedAtMs());
  }

  static byte[] headerHash(byte[] id, String recipient, long createdAtMs) {
    byte[] recipientBytes = recipient.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer input =
        ByteBuffer.allocate(HEADER_LABEL.length + id.length + 2 + recipientBytes.length + 8)
            .put(HEADER_LABEL)
            .put(id)
            .putShort((short) recipientBytes.length)
            .put(recipientBytes)
            .putLong(createdAtMs);
    return sha256(input.array());
  }

  static byte[] sha256(byte[]... parts) {
    SHA256Digest digest = new SHA256Digest();
    for (byte[] part : parts) {
      digest.update(part, 0, part.length);
    }
    byte[] out = new byte[digest.getDigestSize()];
    digest.doFinal(out, 0);
    return out;
  }

  @Override
  public String toString() {
    return "Envelope[id="
        + id
        + ", recipient="
        + recipient
        + ", wraps="
        + wrapInstallations.size()
        + ", size="
        + size()
        + "]";
  }
}
