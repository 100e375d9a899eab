package org.sealpost.server.store.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.sealpost.identity.Account;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.envelope.EnvelopeId;
import org.sealpost.server.store.Cursor;
import org.sealpost.server.store.StoredEnvelope;

/** A row of {@code envelopes}: one envelope in one inbox. */
@Entity
@Table(name = "envelopes")
final class EnvelopeRow {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  @Column(name = "sequence")
  Long sequence;

  @Column(name = "recipient", nullable = false)
  String recipient;

  @Column(name = "envelope_id", nullable = false)
  byte[] envelopeId;

  @Column(name = "body", nullable = false)
  byte[] body;

  @Column(name = "size", nullable = false)
  int size;

  @Column(name = "received_at", nullable = false)
  Instant receivedAt;

  EnvelopeRow() {}

  EnvelopeRow(Account recipient, EnvelopeId id, byte[] body, Instant receivedAt) {
    this.recipient = recipient.canonical();
    this.envelopeId = id.bytes();
    this.body = body;
    this.size = body.length;
    this.receivedAt = receivedAt;
  }

  StoredEnvelope toStoredEnvelope() {
    try {
      return new StoredEnvelope(
          new Cursor(sequence),
          Account.parse(recipient),
          EnvelopeId.of(envelopeId),
          receivedAt,
          body);
    } catch (MalformedException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "envelopes row sequence=" + sequence + ": " + e.getMessage(), e);
    }
  }
}
