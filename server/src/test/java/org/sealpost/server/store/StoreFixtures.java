package org.sealpost.server.store;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.Hex;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.identity.envelope.EnvelopeId;
import org.sealpost.identity.envelope.proto.KeyWrap;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.InstallationId;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.Revocation;
import org.sealpost.identity.installation.RevocationStatement;
import org.sealpost.identity.testing.Fixtures;
import org.sealpost.identity.wallet.WalletKey;

/**
 * Values for the store contracts. Every test makes its own accounts, domains and wallets, so tests
 * can share one database without seeing each other's rows.
 */
final class StoreFixtures {
  static final Instant NOW = Fixtures.NOW;

  private StoreFixtures() {}

  static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    Fixtures.RANDOM.nextBytes(bytes);
    return bytes;
  }

  static Account randomAccount() {
    return Account.fromBytes(randomBytes(20));
  }

  static Domain randomDomain() {
    return Fixtures.domain("d" + Hex.encode(randomBytes(6)) + ".example");
  }

  static WalletKey randomWallet() {
    while (true) {
      try {
        return WalletKey.parse(Hex.encode(randomBytes(32)));
      } catch (MalformedException outOfRange) {
        // Astronomically rare: a value at or above the curve order; draw again.
      }
    }
  }

  /** A well-formed envelope (not really sealed: a store only sees its shape) with a fresh id. */
  static Envelope envelope(Account recipient) {
    return envelope(recipient, EnvelopeId.of(randomBytes(EnvelopeId.LENGTH)), 64);
  }

  /** A fresh envelope whose ciphertext has {@code ciphertextLength} random bytes. */
  static Envelope envelope(Account recipient, int ciphertextLength) {
    return envelope(recipient, EnvelopeId.of(randomBytes(EnvelopeId.LENGTH)), ciphertextLength);
  }

  /** An envelope with the given id: another copy of it is another random ciphertext. */
  static Envelope envelope(Account recipient, EnvelopeId id, int ciphertextLength) {
    var message =
        org.sealpost.identity.envelope.proto.Envelope.newBuilder()
            .setVersion(Envelope.VERSION)
            .setId(ByteString.copyFrom(id.bytes()))
            .setRecipient(recipient.canonical())
            .setCreatedAtMs(NOW.toEpochMilli())
            .setNonce(ByteString.copyFrom(randomBytes(12)))
            .setCiphertext(ByteString.copyFrom(randomBytes(ciphertextLength)))
            .addWraps(
                KeyWrap.newBuilder()
                    .setInstallation(Hex.encode(randomBytes(InstallationId.LENGTH)))
                    .setEnc(ByteString.copyFrom(randomBytes(32)))
                    .setWrappedKey(ByteString.copyFrom(randomBytes(48))))
            .build();
    try {
      return Envelope.parse(message.toByteArray());
    } catch (MalformedException e) {
      throw new AssertionError(e);
    }
  }

  /** A bundle of a new installation of {@code wallet}, issued at {@code issuedAt}. */
  static Bundle bundle(WalletKey wallet, Instant issuedAt) {
    return bundle(wallet, InstallationKeys.generate(Fixtures.RANDOM), issuedAt);
  }

  static Bundle bundle(WalletKey wallet, InstallationKeys keys, Instant issuedAt) {
    return Fixtures.link(
        wallet, keys, "example.org", issuedAt, issuedAt.plus(Duration.ofDays(365)));
  }

  static Revocation revocation(WalletKey wallet, InstallationId installation, Instant revokedAt) {
    RevocationStatement statement =
        new RevocationStatement(wallet.account(), installation, revokedAt);
    return new Revocation(statement, wallet.signPersonal(statement.text()));
  }

  static InstallationId randomInstallation() {
    try {
      return InstallationId.parse("installation", Hex.encode(randomBytes(InstallationId.LENGTH)));
    } catch (MalformedException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * A decision of {@code account} about {@code subject}, signed (in shape) by some installation.
   */
  static ConsentRecord consent(
      Account account,
      ConsentRecord.Kind kind,
      String subject,
      ConsentRecord.State state,
      Instant decidedAt) {
    return new ConsentRecord(
        account,
        kind,
        subject,
        state,
        decidedAt,
        randomInstallation(),
        "/v1/consent/" + kind.name().toLowerCase(Locale.ROOT) + "s/" + subject,
        decidedAt.getEpochSecond(),
        ("{\"state\":\"" + state.name().toLowerCase(Locale.ROOT) + "\"}")
            .getBytes(StandardCharsets.UTF_8),
        randomBytes(64));
  }
}
