package org.sealpost.server.store.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.sealpost.identity.Account;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.installation.InstallationId;
import org.sealpost.identity.installation.Revocation;
import org.sealpost.identity.installation.RevocationStatement;
import org.sealpost.identity.wallet.WalletSignature;

/** A row of {@code revocations}: a revocation statement's fields and the wallet's signature. */
@Entity
@Table(name = "revocations")
final class RevocationRow {
  @Id
  @Column(name = "installation")
  String installation;

  @Column(name = "account", nullable = false)
  String account;

  @Column(name = "revoked_at", nullable = false)
  Instant revokedAt;

  @Column(name = "wallet_signature", nullable = false)
  byte[] walletSignature;

  @Column(name = "received_at", nullable = false)
  Instant receivedAt;

  RevocationRow() {}

  RevocationRow(Revocation revocation, Instant receivedAt) {
    RevocationStatement statement = revocation.statement();
    this.installation = statement.installation().hex();
    this.account = statement.account().canonical();
    this.revokedAt = statement.revokedAt();
    this.walletSignature = revocation.walletSignature().bytes();
    this.receivedAt = receivedAt;
  }

  Revocation toRevocation() {
    try {
      return new Revocation(
          new RevocationStatement(
              Account.parse(account),
              InstallationId.parse("installation", installation),
              revokedAt),
          WalletSignature.of(walletSignature));
    } catch (MalformedException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "revocations row installation=" + installation + ": " + e.getMessage(), e);
    }
  }
}
