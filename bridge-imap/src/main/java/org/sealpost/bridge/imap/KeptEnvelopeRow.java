package org.sealpost.bridge.imap;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * A row of {@code imap_envelopes}: an envelope's ciphertext (never plaintext) kept for an owner's
 * messages, whether it is shown rendered, and the sender check made when it was synced.
 */
@Entity
@Table(name = "imap_envelopes")
@IdClass(KeptEnvelopeRow.Key.class)
final class KeptEnvelopeRow {
  /** The primary key, {@code (owner, envelope_id)}. */
  static final class Key implements Serializable {
    String owner;
    String envelopeId;

    Key() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && Objects.equals(owner, k.owner)
          && Objects.equals(envelopeId, k.envelopeId);
    }

    @Override
    public int hashCode() {
      return Objects.hash(owner, envelopeId);
    }
  }

  @Id
  @Column(name = "owner")
  String owner;

  @Id
  @Column(name = "envelope_id")
  String envelopeId;

  /** The serialized envelope; null once no message refers to it any more. */
  @Column(name = "body")
  byte[] body;

  @Column(name = "rendered", nullable = false)
  boolean rendered;

  @Column(name = "sender_kind")
  String senderKind;

  @Column(name = "sender_address")
  String senderAddress;

  @Column(name = "sender_installation")
  String senderInstallation;

  @Column(name = "sender_domain")
  String senderDomain;

  @Column(name = "sender_failure")
  String senderFailure;

  @Column(name = "sender_detail")
  String senderDetail;

  @Column(name = "stored_at", nullable = false)
  Instant storedAt;

  KeptEnvelopeRow() {}
}
