package org.sealpost.server.store.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import org.sealpost.identity.Account;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.installation.InstallationId;
import org.sealpost.server.store.ConsentRecord;

/**
 * A row of {@code consent}. Kind and state are kept as the enum constants' names, mapped here
 * rather than by {@code @Enumerated}, so that no dialect picks a native enum type the migration
 * does not declare.
 */
@Entity
@Table(name = "consent")
final class ConsentRow {
  /** The primary key: one decision per account, kind and subject. */
  @Embeddable
  record Key(
      @Column(name = "account") String account,
      @Column(name = "kind") String kind,
      @Column(name = "subject") String subject)
      implements Serializable {

    static Key of(Account account, ConsentRecord.Kind kind, String subject) {
      return new Key(account.canonical(), kind.name(), subject);
    }
  }

  @EmbeddedId Key id;

  @Column(name = "state", nullable = false)
  String state;

  @Column(name = "decided_at", nullable = false)
  Instant decidedAt;

  @Column(name = "installation", nullable = false)
  String installation;

  @Column(name = "request_target", nullable = false)
  String requestTarget;

  @Column(name = "request_time", nullable = false)
  long requestTime;

  @Column(name = "request_body", nullable = false)
  byte[] requestBody;

  @Column(name = "signature", nullable = false)
  byte[] signature;

  ConsentRow() {}

  ConsentRow(ConsentRecord record) {
    this.id = Key.of(record.account(), record.kind(), record.subject());
    set(record);
  }

  /** Takes {@code record}'s decision; the key stays. */
  void set(ConsentRecord record) {
    this.state = record.state().name();
    this.decidedAt = record.decidedAt();
    this.installation = record.installation().hex();
    this.requestTarget = record.requestTarget();
    this.requestTime = record.requestTime();
    this.requestBody = record.requestBody().clone();
    this.signature = record.signature().clone();
  }

  ConsentRecord toRecord() {
    try {
      return new ConsentRecord(
          Account.parse(id.account()),
          ConsentRecord.Kind.valueOf(id.kind()),
          id.subject(),
          ConsentRecord.State.valueOf(state),
          decidedAt,
          InstallationId.parse("installation", installation),
          requestTarget,
          requestTime,
          requestBody,
          signature);
    } catch (MalformedException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "consent row ("
              + id.account()
              + ", "
              + id.kind()
              + ", "
              + id.subject()
              + "): "
              + e.getMessage(),
          e);
    }
  }
}
