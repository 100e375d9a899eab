package org.sealpost.identity.envelope;

/** Opens package-private steps of §3.1 to tests in other packages. */
public final class EnvelopeTestAccess {
  private EnvelopeTestAccess() {}

  public static byte[] headerHash(byte[] id, String recipient, long createdAtMs) {
    return Envelope.headerHash(id, recipient, createdAtMs);
  }
}
