package org.sealpost.server.store.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.sealpost.identity.Domain;
import org.sealpost.identity.envelope.Envelope;

/**
 * A row of {@code outbound_envelopes}: an envelope waiting for federation to deliver it. Attempts
 * and the next attempt's time are for the delivery loop.
 */
@Entity
@Table(name = "outbound_envelopes")
final class OutboundEnvelopeRow {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  @Column(name = "sequence")
  Long sequence;

  @Column(name = "destination", nullable = false)
  String destination;

  @Column(name = "recipient", nullable = false)
  String recipient;

  @Column(name = "envelope_id", nullable = false)
  byte[] envelopeId;

  @Column(name = "body", nullable = false)
  byte[] body;

  @Column(name = "received_at", nullable = false)
  Instant receivedAt;

  @Column(name = "attempts", nullable = false)
  int attempts;

  @Column(name = "next_attempt_at", nullable = false)
  Instant nextAttemptAt;

  OutboundEnvelopeRow() {}

  /** A new entry, due at once. */
  OutboundEnvelopeRow(Domain destination, Envelope envelope, Instant receivedAt) {
    this.destination = destination.name();
    this.recipient = envelope.recipient().canonical();
    this.envelopeId = envelope.id().bytes();
    this.body = envelope.toByteArray();
    this.receivedAt = receivedAt;
    this.attempts = 0;
    this.nextAttemptAt = receivedAt;
  }
}
