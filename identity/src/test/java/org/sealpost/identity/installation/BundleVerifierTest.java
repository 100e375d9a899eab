package org.sealpost.identity.installation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.identity.testing.Fixtures.ALICE_KEY;
import static org.sealpost.identity.testing.Fixtures.BOB_KEY;
import static org.sealpost.identity.testing.Fixtures.NOW;
import static org.sealpost.identity.testing.Fixtures.RANDOM;
import static org.sealpost.identity.testing.Fixtures.link;
import static org.sealpost.identity.testing.Fixtures.wallet;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.installation.Verification.Reason;
import org.sealpost.identity.testing.MutableClock;
import org.sealpost.identity.wallet.WalletKey;
import org.sealpost.identity.wallet.WalletSignature;

class BundleVerifierTest {
  private final WalletKey alice = wallet(ALICE_KEY);
  private final WalletKey bob = wallet(BOB_KEY);
  private final InstallationKeys keys = InstallationKeys.generate(RANDOM);
  private final MutableClock clock = new MutableClock(NOW);
  private final BundleVerifier verifier = new BundleVerifier(clock);

  @Test
  void theLinkTextIsExactlyThatOfTheProtocol() {
    LinkStatement statement =
        LinkStatement.forKeys(
            alice.account(),
            org.sealpost.identity.testing.Fixtures.domain("Mail.Example.org"),
            keys,
            NOW,
            NOW.plus(Duration.ofDays(365)));

    assertThat(statement.text())
        .isEqualTo(
            "Sealpost wants you to link a new installation to your inbox.\n"
                + "\n"
                + "Account: 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266\n"
                + "Home server: mail.example.org\n"
                + "Installation: "
                + keys.id().hex()
                + "\n"
                + "Signing key: "
                + keys.signingPublicKey().hex()
                + "\n"
                + "Encryption key: "
                + keys.encryptionPublicKey().hex()
                + "\n"
                + "Issued at: 2026-11-24T10:00:00Z\n"
                + "Expires at: 2027-11-24T10:00:00Z");
  }

  @Test
  void aBundleSignedByItsWalletIsValid() {
    assertThat(verifier.verify(link(alice, keys, "example.org"))).isEqualTo(Verification.valid());
  }

  @Test
  void aSignatureByAnotherWalletIsWrongAccount() {
    Bundle genuine = link(alice, keys, "example.org");
    Bundle forged = new Bundle(genuine.statement(), bob.signPersonal(genuine.statement().text()));

    assertThat(reasonOf(verifier.verify(forged))).isEqualTo(Reason.WRONG_ACCOUNT);
    assertThat(verifier.verify(forged).toString()).contains(bob.account().canonical());
  }

  @Test
  void anyChangedFieldBreaksTheSignature() {
    Bundle genuine = link(alice, keys, "example.org");
    LinkStatement s = genuine.statement();
    LinkStatement movedHome =
        new LinkStatement(
            s.account(),
            org.sealpost.identity.testing.Fixtures.domain("evil.example"),
            s.installation(),
            s.signingKey(),
            s.encryptionKey(),
            s.issuedAt(),
            s.expiresAt());
    LinkStatement extended =
        new LinkStatement(
            s.account(),
            s.home(),
            s.installation(),
            s.signingKey(),
            s.encryptionKey(),
            s.issuedAt(),
            s.expiresAt().plusSeconds(1));

    assertThat(reasonOf(verifier.verify(new Bundle(movedHome, genuine.walletSignature()))))
        .isEqualTo(Reason.WRONG_ACCOUNT);
    assertThat(reasonOf(verifier.verify(new Bundle(extended, genuine.walletSignature()))))
        .isEqualTo(Reason.WRONG_ACCOUNT);
  }

  @Test
  void anUnrecoverableSignatureIsBadSignature() throws MalformedException {
    Bundle genuine = link(alice, keys, "example.org");
    byte[] zeros = new byte[65];
    zeros[64] = 27;

    assertThat(
            reasonOf(verifier.verify(new Bundle(genuine.statement(), WalletSignature.of(zeros)))))
        .isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void keysThatDoNotHashToTheIdAreIdMismatch() {
    InstallationKeys other = InstallationKeys.generate(RANDOM);
    LinkStatement statement =
        new LinkStatement(
            alice.account(),
            org.sealpost.identity.testing.Fixtures.domain("example.org"),
            keys.id(),
            keys.signingPublicKey(),
            other.encryptionPublicKey(),
            NOW,
            NOW.plus(Duration.ofDays(1)));
    Bundle bundle = new Bundle(statement, alice.signPersonal(statement.text()));

    assertThat(reasonOf(verifier.verify(bundle))).isEqualTo(Reason.ID_MISMATCH);
  }

  @Test
  void aBundleIsExpiredFromItsExpiryOn() {
    Bundle bundle = link(alice, keys, "example.org", NOW, NOW.plus(Duration.ofHours(1)));

    clock.set(NOW.plus(Duration.ofHours(1)).minusSeconds(1));
    assertThat(verifier.verify(bundle).isValid()).isTrue();
    clock.set(NOW.plus(Duration.ofHours(1)));
    assertThat(reasonOf(verifier.verify(bundle))).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void issuedAtMayBeAtMostFiveMinutesAhead() {
    Bundle withinSkew =
        link(
            alice,
            keys,
            "example.org",
            NOW.plus(Duration.ofMinutes(5)),
            NOW.plus(Duration.ofDays(1)));
    Bundle beyondSkew =
        link(
            alice,
            keys,
            "example.org",
            NOW.plus(Duration.ofMinutes(5)).plusSeconds(1),
            NOW.plus(Duration.ofDays(1)));

    assertThat(verifier.verify(withinSkew).isValid()).isTrue();
    assertThat(reasonOf(verifier.verify(beyondSkew))).isEqualTo(Reason.NOT_YET_VALID);
  }

  @Test
  void anEmptyValidityWindowIsMalformed() {
    Bundle bundle = link(alice, keys, "example.org", NOW, NOW);

    assertThat(reasonOf(verifier.verify(bundle))).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void aValidRevocationInvalidatesTheBundleFromRevokedAtOn() {
    Bundle bundle = link(alice, keys, "example.org");
    Revocation revocation = revoke(alice, bundle, NOW.plus(Duration.ofHours(2)));

    assertThat(verifier.verify(revocation).isValid()).isTrue();
    clock.set(NOW.plus(Duration.ofHours(1)));
    assertThat(verifier.verify(bundle, List.of(revocation)).isValid()).isTrue();
    clock.set(NOW.plus(Duration.ofHours(2)));
    assertThat(reasonOf(verifier.verify(bundle, List.of(revocation)))).isEqualTo(Reason.REVOKED);
  }

  @Test
  void aRevocationSignedByAnotherWalletIsIgnored() {
    Bundle bundle = link(alice, keys, "example.org");
    Revocation forged = revoke(bob, bundle, NOW);

    assertThat(reasonOf(verifier.verify(forged))).isEqualTo(Reason.WRONG_ACCOUNT);
    assertThat(verifier.verify(bundle, List.of(forged)).isValid()).isTrue();
  }

  @Test
  void aRevocationOfAnotherInstallationDoesNotTouchThisOne() {
    Bundle bundle = link(alice, keys, "example.org");
    Bundle other = link(alice, InstallationKeys.generate(RANDOM), "example.org");

    assertThat(verifier.verify(bundle, List.of(revoke(alice, other, NOW))).isValid()).isTrue();
  }

  private static Revocation revoke(WalletKey signer, Bundle bundle, java.time.Instant at) {
    RevocationStatement statement =
        new RevocationStatement(bundle.account(), bundle.installation(), at);
    return new Revocation(statement, signer.signPersonal(statement.text()));
  }

  private static Reason reasonOf(Verification verification) {
    assertThat(verification).isInstanceOf(Verification.Invalid.class);
    return ((Verification.Invalid) verification).reason();
  }
}
