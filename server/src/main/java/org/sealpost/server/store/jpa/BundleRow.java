package org.sealpost.server.store.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.EncryptionPublicKey;
import org.sealpost.identity.installation.InstallationId;
import org.sealpost.identity.installation.LinkStatement;
import org.sealpost.identity.installation.SigningPublicKey;
import org.sealpost.identity.wallet.WalletSignature;

/** A row of {@code bundles}: the fields of a link statement and the wallet's signature of it. */
@Entity
@Table(name = "bundles")
final class BundleRow {
  @Id
  @Column(name = "installation")
  String installation;

  @Column(name = "account", nullable = false)
  String account;

  @Column(name = "home", nullable = false)
  String home;

  @Column(name = "signing_key", nullable = false)
  byte[] signingKey;

  @Column(name = "encryption_key", nullable = false)
  byte[] encryptionKey;

  @Column(name = "issued_at", nullable = false)
  Instant issuedAt;

  @Column(name = "expires_at", nullable = false)
  Instant expiresAt;

  @Column(name = "wallet_signature", nullable = false)
  byte[] walletSignature;

  @Column(name = "received_at", nullable = false)
  Instant receivedAt;

  BundleRow() {}

  BundleRow(Bundle bundle, Instant receivedAt) {
    LinkStatement statement = bundle.statement();
    this.installation = statement.installation().hex();
    this.account = statement.account().canonical();
    this.home = statement.home().name();
    this.signingKey = statement.signingKey().bytes();
    this.encryptionKey = statement.encryptionKey().bytes();
    this.issuedAt = statement.issuedAt();
    this.expiresAt = statement.expiresAt();
    this.walletSignature = bundle.walletSignature().bytes();
    this.receivedAt = receivedAt;
  }

  /** The bundle as published; the signature is not checked here (that is the caller's job). */
  Bundle toBundle() {
    try {
      LinkStatement statement =
          new LinkStatement(
              Account.parse(account),
              Domain.parse(home),
              InstallationId.parse("installation", installation),
              SigningPublicKey.of(signingKey),
              EncryptionPublicKey.of(encryptionKey),
              issuedAt,
              expiresAt);
      return new Bundle(statement, WalletSignature.of(walletSignature));
    } catch (MalformedException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "bundles row installation=" + installation + ": " + e.getMessage(), e);
    }
  }
}
