package org.sealpost.identity.envelope;

import static java.util.Objects.requireNonNull;

/**
 * A decrypted envelope: the MIME message exactly as the sender sealed it, and what could be proven
 * about who sent it.
 */
public record OpenedEnvelope(Envelope envelope, byte[] mime, SenderCheck sender) {
  public OpenedEnvelope {
    requireNonNull(envelope, "envelope");
    requireNonNull(mime, "mime");
    requireNonNull(sender, "sender");
  }

  public boolean isVerified() {
    return !(sender instanceof SenderCheck.Unverified);
  }
}
