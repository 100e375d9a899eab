package org.sealpost.identity.installation;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import org.sealpost.identity.Account;
import org.sealpost.identity.installation.Verification.Reason;

/**
 * Checks bundles and revocations against their wallet signatures (PROTOCOL.md §2.2, §2.3), so that
 * no server has to be trusted for them. Steps are named after the validity rules of §2.2. The clock
 * is injected: the core never reads the system time. Thread-safe.
 */
public final class BundleVerifier {
  /** How far in the future {@code issuedAt} may be, for wallets whose clocks run ahead. */
  public static final Duration ISSUED_AT_SKEW = Duration.ofMinutes(5);

  private final Clock clock;

  public BundleVerifier(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  /** Checks a bundle as of now. */
  public Verification verify(Bundle bundle) {
    requireNonNull(bundle, "bundle");
    LinkStatement statement = bundle.statement();
    Instant now = clock.instant();

    // "installation equals the id computed from the two keys"
    InstallationId computed = InstallationId.of(statement.signingKey(), statement.encryptionKey());
    if (!computed.equals(statement.installation())) {
      return Verification.invalid(
          Reason.ID_MISMATCH,
          "installation "
              + statement.installation()
              + " is not the id of its keys (expected: "
              + computed
              + ")");
    }

    // "the text of §2.1 rebuilt from its fields recovers to account"
    Verification signature =
        verifySigner(bundle.walletSignature().recoverSigner(statement.text()), bundle.account());
    if (!signature.isValid()) {
      return signature;
    }

    // "expiresAt is after issuedAt"
    if (!statement.expiresAt().isAfter(statement.issuedAt())) {
      return Verification.invalid(
          Reason.MALFORMED,
          "expiresAt " + statement.expiresAt() + " is not after issuedAt " + statement.issuedAt());
    }

    // "issuedAt is not more than 5 minutes in the future"
    if (statement.issuedAt().isAfter(now.plus(ISSUED_AT_SKEW))) {
      return Verification.invalid(
          Reason.NOT_YET_VALID,
          "issued at "
              + statement.issuedAt()
              + ", more than "
              + ISSUED_AT_SKEW.toMinutes()
              + " minutes ahead of "
              + now
              + "; check the wallet's clock");
    }

    // "expiresAt is after now"
    if (!statement.expiresAt().isAfter(now)) {
      return Verification.invalid(
          Reason.EXPIRED, "expired at " + statement.expiresAt() + "; link the installation again");
    }
    return Verification.valid();
  }

  /**
   * Checks a bundle as of now, with the revocations known for its account: a valid revocation of
   * its installation makes it invalid from {@code revokedAt} on (§2.3). Revocations of other
   * installations or accounts, and invalid ones, are ignored.
   */
  public Verification verify(Bundle bundle, Collection<Revocation> revocations) {
    requireNonNull(revocations, "revocations");
    Verification verification = verify(bundle);
    if (!verification.isValid()) {
      return verification;
    }
    Instant now = clock.instant();
    for (Revocation revocation : revocations) {
      if (revocation.account().equals(bundle.account())
          && revocation.installation().equals(bundle.installation())
          && !revocation.statement().revokedAt().isAfter(now)
          && verify(revocation).isValid()) {
        return Verification.invalid(
            Reason.REVOKED,
            "installation "
                + bundle.installation()
                + " was revoked at "
                + revocation.statement().revokedAt());
      }
    }
    return verification;
  }

  /** Checks that a revocation is signed by the wallet of the account it names. */
  public Verification verify(Revocation revocation) {
    requireNonNull(revocation, "revocation");
    return verifySigner(
        revocation.walletSignature().recoverSigner(revocation.statement().text()),
        revocation.account());
  }

  private static Verification verifySigner(Optional<Account> signer, Account expected) {
    if (signer.isEmpty()) {
      return Verification.invalid(
          Reason.BAD_SIGNATURE, "the wallet signature does not recover to any account");
    }
    if (!signer.get().equals(expected)) {
      return Verification.invalid(
          Reason.WRONG_ACCOUNT,
          "the wallet signature is by " + signer.get() + ", not by " + expected);
    }
    return Verification.valid();
  }
}
