package org.sealpost.identity.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sealpost.identity.testing.Fixtures.ALICE_KEY;
import static org.sealpost.identity.testing.Fixtures.BOB_KEY;
import static org.sealpost.identity.testing.Fixtures.CAROL_KEY;
import static org.sealpost.identity.testing.Fixtures.NOW;
import static org.sealpost.identity.testing.Fixtures.RANDOM;
import static org.sealpost.identity.testing.Fixtures.domain;
import static org.sealpost.identity.testing.Fixtures.link;
import static org.sealpost.identity.testing.Fixtures.wallet;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.crypto.Cipher;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.envelope.EnvelopeOpenException.Reason;
import org.sealpost.identity.envelope.SenderCheck.Failure;
import org.sealpost.identity.envelope.proto.KeyWrap;
import org.sealpost.identity.envelope.proto.Sealed;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.BundleVerifier;
import org.sealpost.identity.installation.InstallationId;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.Revocation;
import org.sealpost.identity.installation.RevocationStatement;
import org.sealpost.identity.installation.SigningKeys;
import org.sealpost.identity.installation.SigningPublicKey;
import org.sealpost.identity.testing.MutableClock;
import org.sealpost.identity.wallet.WalletKey;

class EnvelopeTest {
  private static final byte[] MIME =
      ("From: alice\r\nTo: bob\r\nSubject: Grüße\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
              + "Hallo, Bob!\r\n")
          .getBytes(StandardCharsets.UTF_8);

  private final MutableClock clock = new MutableClock(NOW);
  private final BundleVerifier verifier = new BundleVerifier(clock);
  private final EnvelopeSealer sealer = new EnvelopeSealer(clock, RANDOM);

  private final WalletKey alice = wallet(ALICE_KEY);
  private final InstallationKeys aliceLaptop = InstallationKeys.generate(RANDOM);
  private final Bundle aliceLaptopBundle = link(alice, aliceLaptop, "alice.example");

  private final WalletKey bob = wallet(BOB_KEY);
  private final InstallationKeys bobPhone = InstallationKeys.generate(RANDOM);
  private final InstallationKeys bobBridge = InstallationKeys.generate(RANDOM);
  private final Bundle bobPhoneBundle = link(bob, bobPhone, "bob.example");
  private final Bundle bobBridgeBundle = link(bob, bobBridge, "bob.example");

  private final SenderDirectory directory = directoryOf(aliceLaptopBundle);

  @Test
  void everyRecipientInstallationOpensTheMessageAndVerifiesTheSender() throws Exception {
    Envelope envelope = sealFromAliceToBob();

    for (InstallationKeys installation : List.of(bobPhone, bobBridge)) {
      OpenedEnvelope opened = openerFor(bob.account(), installation).open(envelope, directory);

      assertThat(opened.mime()).isEqualTo(MIME);
      assertThat(opened.sender())
          .isEqualTo(new SenderCheck.Verified(aliceLaptopBundle.mailAddress(), aliceLaptop.id()));
    }
  }

  @Test
  void theEnvelopeShowsOnlyWhatAServerMaySee() throws Exception {
    Envelope envelope = sealFromAliceToBob();
    Envelope reparsed = Envelope.parse(envelope.toByteArray());

    assertThat(reparsed.recipient()).isEqualTo(bob.account());
    assertThat(reparsed.id()).isEqualTo(envelope.id());
    assertThat(reparsed.createdAt()).isEqualTo(NOW);
    assertThat(reparsed.wrapInstallations())
        .containsExactlyInAnyOrder(bobPhone.id(), bobBridge.id());
    String bytesAsText = new String(envelope.toByteArray(), StandardCharsets.ISO_8859_1);
    assertThat(bytesAsText).doesNotContain("Hallo").doesNotContain(alice.account().canonical());
  }

  @Test
  void theBytesReceivedAreKeptExactlyEvenWhenEncodedDifferently() throws Exception {
    byte[] genuine = sealFromAliceToBob().toByteArray();
    // The same envelope with a field from a later protocol version appended (field 99, varint 1).
    byte[] extended = java.util.Arrays.copyOf(genuine, genuine.length + 3);
    extended[genuine.length] = (byte) 0x98;
    extended[genuine.length + 1] = 0x06;
    extended[genuine.length + 2] = 0x01;

    Envelope parsed = Envelope.parse(extended);

    assertThat(parsed.toByteArray()).isEqualTo(extended);
    assertThat(parsed.size()).isEqualTo(extended.length);
    assertThat(openerFor(bob.account(), bobPhone).open(parsed, directory).mime()).isEqualTo(MIME);
  }

  @Test
  void gatewayMailVerifiesAgainstTheGatewaysServerKey() throws Exception {
    SigningKeys serverKey = SigningKeys.generate(RANDOM);
    Domain gateway = domain("bob.example");
    Envelope envelope =
        sealer.seal(new Author.Gateway(gateway, serverKey), List.of(bobPhoneBundle), MIME);

    OpenedEnvelope withKey =
        openerFor(bob.account(), bobPhone)
            .open(envelope, gatewayDirectory(gateway, serverKey.publicKey()));
    OpenedEnvelope withOtherKey =
        openerFor(bob.account(), bobPhone)
            .open(envelope, gatewayDirectory(gateway, SigningKeys.generate(RANDOM).publicKey()));
    OpenedEnvelope withoutKey = openerFor(bob.account(), bobPhone).open(envelope, directory);

    assertThat(withKey.mime()).isEqualTo(MIME);
    assertThat(withKey.sender()).isEqualTo(new SenderCheck.Gateway(gateway));
    assertThat(failureOf(withOtherKey)).isEqualTo(Failure.BAD_SIGNATURE);
    assertThat(failureOf(withoutKey)).isEqualTo(Failure.SENDER_UNKNOWN);
  }

  @Test
  void anEnvelopeForAnotherAccountIsRefused() {
    Envelope envelope = sealFromAliceToBob();

    assertThatThrownBy(() -> openerFor(alice.account(), bobPhone).open(envelope, directory))
        .isInstanceOfSatisfying(
            EnvelopeOpenException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOR_THIS_ACCOUNT));
  }

  @Test
  void anInstallationLinkedAfterSealingHasNoWrap() {
    Envelope envelope = sealFromAliceToBob();
    InstallationKeys bobTablet = InstallationKeys.generate(RANDOM);

    assertThatThrownBy(() -> openerFor(bob.account(), bobTablet).open(envelope, directory))
        .isInstanceOfSatisfying(
            EnvelopeOpenException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.NO_WRAP);
              assertThat(e.getMessage()).startsWith("no-wrap: ").contains(bobTablet.id().hex());
            });
  }

  /** Each field an attacker can change, and what the recipient then sees. */
  enum Tampering {
    ID(Reason.DECRYPTION_FAILED, e -> e.setId(flip(e.getId()))),
    CREATED_AT(Reason.DECRYPTION_FAILED, e -> e.setCreatedAtMs(e.getCreatedAtMs() + 1)),
    NONCE(Reason.DECRYPTION_FAILED, e -> e.setNonce(flip(e.getNonce()))),
    CIPHERTEXT(Reason.DECRYPTION_FAILED, e -> e.setCiphertext(flip(e.getCiphertext()))),
    ENC(Reason.DECRYPTION_FAILED, e -> eachWrap(e, w -> w.setEnc(flip(w.getEnc())))),
    WRAPPED_KEY(
        Reason.DECRYPTION_FAILED, e -> eachWrap(e, w -> w.setWrappedKey(flip(w.getWrappedKey())))),
    SWAPPED_WRAPS(
        Reason.DECRYPTION_FAILED,
        e -> {
          KeyWrap first = e.getWraps(0);
          KeyWrap second = e.getWraps(1);
          return e.setWraps(0, first.toBuilder().setInstallation(second.getInstallation()))
              .setWraps(1, second.toBuilder().setInstallation(first.getInstallation()));
        }),
    RECIPIENT(
        Reason.NOT_FOR_THIS_ACCOUNT,
        e -> e.setRecipient("0x0000000000000000000000000000000000000001"));

    final Reason expected;
    final UnaryOperator<org.sealpost.identity.envelope.proto.Envelope.Builder> change;

    Tampering(
        Reason expected,
        UnaryOperator<org.sealpost.identity.envelope.proto.Envelope.Builder> change) {
      this.expected = expected;
      this.change = change;
    }
  }

  @ParameterizedTest
  @EnumSource(Tampering.class)
  void aTamperedFieldIsDetected(Tampering tampering) throws Exception {
    Envelope genuine = sealFromAliceToBob();
    Envelope tampered =
        Envelope.parse(tampering.change.apply(genuine.message().toBuilder()).build().toByteArray());

    for (InstallationKeys installation : List.of(bobPhone, bobBridge)) {
      assertThatThrownBy(() -> openerFor(bob.account(), installation).open(tampered, directory))
          .isInstanceOfSatisfying(
              EnvelopeOpenException.class,
              e -> assertThat(e.reason()).isEqualTo(tampering.expected));
    }
  }

  @Test
  void malformedEnvelopesAreRejectedBeforeAnyCrypto() {
    var genuine = sealFromAliceToBob().message();

    assertMalformed(new byte[] {(byte) 0xff, 0x01}, "not a valid protobuf");
    assertMalformed(genuine.toBuilder().setVersion(2).build().toByteArray(), "version 2");
    assertMalformed(
        genuine.toBuilder().setId(ByteString.copyFrom(new byte[15])).build().toByteArray(),
        "envelope id");
    assertMalformed(genuine.toBuilder().setNonce(ByteString.EMPTY).build().toByteArray(), "nonce");
    assertMalformed(
        genuine.toBuilder().setRecipient(bob.account().checksummed()).build().toByteArray(),
        "canonical");
    assertMalformed(genuine.toBuilder().clearWraps().build().toByteArray(), "no key wraps");
    assertMalformed(
        genuine.toBuilder().addWraps(genuine.getWraps(0)).build().toByteArray(), "two key wraps");
    assertMalformed(
        genuine.toBuilder()
            .setWraps(0, genuine.getWraps(0).toBuilder().setEnc(ByteString.copyFrom(new byte[31])))
            .build()
            .toByteArray(),
        "enc");
  }

  @Test
  void aSignatureThatDoesNotVerifyIsNeverShownAsFromTheSender() throws Exception {
    Sealed forged =
        Sealed.newBuilder()
            .setSender(alice.account().canonical())
            .setSenderInstallation(aliceLaptop.id().hex())
            .setSignature(ByteString.copyFrom(new byte[64]))
            .setMime(ByteString.copyFrom(MIME))
            .build();
    Envelope envelope = sealRaw(forged, bobPhoneBundle);

    OpenedEnvelope opened = openerFor(bob.account(), bobPhone).open(envelope, directory);

    assertThat(opened.isVerified()).isFalse();
    assertThat(failureOf(opened)).isEqualTo(Failure.BAD_SIGNATURE);
    assertThat(((SenderCheck.Unverified) opened.sender()).claimed())
        .isEqualTo(alice.account().canonical());
  }

  @Test
  void aSignatureOverOtherContentDoesNotVerify() throws Exception {
    // Alice's genuine signature of one message, carried over to another.
    Envelope original = sealFromAliceToBob();
    Sealed genuine = openSealed(original, bobPhone);
    Sealed swapped =
        genuine.toBuilder()
            .setMime(ByteString.copyFromUtf8("Subject: pay me\r\n\r\nnow\r\n"))
            .build();

    OpenedEnvelope opened =
        openerFor(bob.account(), bobPhone).open(sealRaw(swapped, bobPhoneBundle), directory);

    assertThat(failureOf(opened)).isEqualTo(Failure.BAD_SIGNATURE);
  }

  @Test
  void aSenderWithoutABundleIsUnknown() throws Exception {
    OpenedEnvelope opened =
        openerFor(bob.account(), bobPhone)
            .open(sealFromAliceToBob(), (sender, installation) -> Optional.empty());

    assertThat(failureOf(opened)).isEqualTo(Failure.SENDER_UNKNOWN);
  }

  @Test
  void aBundleOfAnotherInstallationIsAMismatch() throws Exception {
    Bundle otherInstallation = link(alice, InstallationKeys.generate(RANDOM), "alice.example");

    OpenedEnvelope opened =
        openerFor(bob.account(), bobPhone)
            .open(sealFromAliceToBob(), (sender, installation) -> Optional.of(otherInstallation));

    assertThat(failureOf(opened)).isEqualTo(Failure.SENDER_MISMATCH);
  }

  @Test
  void aBundleSignedByAnotherWalletMakesTheSenderUnverified() throws Exception {
    WalletKey carol = wallet(CAROL_KEY);
    Bundle claimsAlice =
        new Bundle(
            aliceLaptopBundle.statement(),
            carol.signPersonal(aliceLaptopBundle.statement().text()));

    OpenedEnvelope opened =
        openerFor(bob.account(), bobPhone).open(sealFromAliceToBob(), directoryOf(claimsAlice));

    assertThat(failureOf(opened)).isEqualTo(Failure.SENDER_BUNDLE_INVALID);
    assertThat(opened.sender().toString()).contains("wrong-account");
  }

  @Test
  void aRevokedSenderInstallationIsUnverified() throws Exception {
    RevocationStatement statement =
        new RevocationStatement(alice.account(), aliceLaptop.id(), NOW.plus(Duration.ofMinutes(1)));
    Revocation revocation = new Revocation(statement, alice.signPersonal(statement.text()));
    SenderDirectory withRevocation =
        new SenderDirectory() {
          @Override
          public Optional<Bundle> bundle(Account sender, InstallationId installation) {
            return Optional.of(aliceLaptopBundle);
          }

          @Override
          public List<Revocation> revocations(Account sender) {
            return List.of(revocation);
          }
        };
    Envelope envelope = sealFromAliceToBob();
    clock.advance(Duration.ofMinutes(2));

    OpenedEnvelope opened = openerFor(bob.account(), bobPhone).open(envelope, withRevocation);

    assertThat(failureOf(opened)).isEqualTo(Failure.SENDER_BUNDLE_INVALID);
    assertThat(opened.sender().toString()).contains("revoked");
  }

  @Test
  void sealingRefusesBundlesOfSeveralAccounts() {
    assertThatThrownBy(
            () ->
                sealer.seal(
                    new Author.Installation(alice.account(), aliceLaptop),
                    List.of(bobPhoneBundle, aliceLaptopBundle),
                    MIME))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one envelope per recipient account");
    assertThatThrownBy(
            () ->
                sealer.seal(new Author.Installation(alice.account(), aliceLaptop), List.of(), MIME))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anEmptyMessageRoundTrips() throws Exception {
    Envelope envelope =
        sealer.seal(
            new Author.Installation(alice.account(), aliceLaptop),
            List.of(bobPhoneBundle),
            new byte[0]);

    assertThat(openerFor(bob.account(), bobPhone).open(envelope, directory).mime()).isEmpty();
  }

  private Envelope sealFromAliceToBob() {
    return sealer.seal(
        new Author.Installation(alice.account(), aliceLaptop),
        List.of(bobPhoneBundle, bobBridgeBundle),
        MIME);
  }

  private EnvelopeOpener openerFor(Account account, InstallationKeys keys) {
    return new EnvelopeOpener(account, keys, verifier);
  }

  /** Seals arbitrary Sealed content the way §3.1 does, to forge what the API cannot. */
  private Envelope sealRaw(Sealed sealed, Bundle recipient) throws Exception {
    byte[] id = new byte[16];
    byte[] nonce = new byte[12];
    byte[] key = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(nonce);
    RANDOM.nextBytes(key);
    long createdAtMs = clock.millis();
    byte[] headerHash = Envelope.headerHash(id, recipient.account().canonical(), createdAtMs);
    X25519PrivateKeyParameters ephemeral = new X25519PrivateKeyParameters(RANDOM);
    byte[][] wrapped =
        Crypto.wrap(
            recipient.encryptionKey().bytes(),
            Crypto.wrapInfo(headerHash),
            key,
            new AsymmetricCipherKeyPair(ephemeral.generatePublicKey(), ephemeral));
    return Envelope.parse(
        org.sealpost.identity.envelope.proto.Envelope.newBuilder()
            .setVersion(1)
            .setId(ByteString.copyFrom(id))
            .setRecipient(recipient.account().canonical())
            .setCreatedAtMs(createdAtMs)
            .setNonce(ByteString.copyFrom(nonce))
            .setCiphertext(
                ByteString.copyFrom(
                    Crypto.aesGcm(
                        Cipher.ENCRYPT_MODE, key, nonce, headerHash, sealed.toByteArray())))
            .addWraps(
                KeyWrap.newBuilder()
                    .setInstallation(recipient.installation().hex())
                    .setEnc(ByteString.copyFrom(wrapped[0]))
                    .setWrappedKey(ByteString.copyFrom(wrapped[1])))
            .build()
            .toByteArray());
  }

  private static Sealed openSealed(Envelope envelope, InstallationKeys keys) throws Exception {
    var message = envelope.message();
    KeyWrap wrap =
        message.getWrapsList().stream()
            .filter(w -> w.getInstallation().equals(keys.id().hex()))
            .findFirst()
            .orElseThrow();
    byte[] headerHash = envelope.headerHash();
    byte[] key =
        Crypto.unwrap(
            new X25519PrivateKeyParameters(keys.encryptionPrivateKey()),
            wrap.getEnc().toByteArray(),
            Crypto.wrapInfo(headerHash),
            wrap.getWrappedKey().toByteArray());
    return Sealed.parseFrom(
        Crypto.aesGcm(
            Cipher.DECRYPT_MODE,
            key,
            message.getNonce().toByteArray(),
            headerHash,
            message.getCiphertext().toByteArray()));
  }

  private static SenderDirectory directoryOf(Bundle... bundles) {
    return (sender, installation) ->
        List.of(bundles).stream()
            .filter(b -> b.account().equals(sender) && b.installation().equals(installation))
            .findFirst();
  }

  private SenderDirectory gatewayDirectory(Domain gateway, SigningPublicKey key) {
    Map<Domain, SigningPublicKey> keys = Map.of(gateway, key);
    return new SenderDirectory() {
      @Override
      public Optional<Bundle> bundle(Account sender, InstallationId installation) {
        return Optional.empty();
      }

      @Override
      public Optional<SigningPublicKey> gatewayKey(Domain domain) {
        return Optional.ofNullable(keys.get(domain));
      }
    };
  }

  private static Failure failureOf(OpenedEnvelope opened) {
    assertThat(opened.sender()).isInstanceOf(SenderCheck.Unverified.class);
    return ((SenderCheck.Unverified) opened.sender()).failure();
  }

  private static void assertMalformed(byte[] serialized, String messagePart) {
    assertThatThrownBy(() -> Envelope.parse(serialized))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining(messagePart);
  }

  private static org.sealpost.identity.envelope.proto.Envelope.Builder eachWrap(
      org.sealpost.identity.envelope.proto.Envelope.Builder envelope,
      UnaryOperator<KeyWrap.Builder> change) {
    for (int i = 0; i < envelope.getWrapsCount(); i++) {
      envelope.setWraps(i, change.apply(envelope.getWraps(i).toBuilder()));
    }
    return envelope;
  }

  private static ByteString flip(ByteString bytes) {
    byte[] copy = bytes.toByteArray();
    copy[copy.length - 1] ^= 1;
    return ByteString.copyFrom(copy);
  }
}
