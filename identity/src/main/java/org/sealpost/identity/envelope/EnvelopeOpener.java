package org.sealpost.identity.envelope;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import java.security.GeneralSecurityException;
import java.util.Optional;
import javax.crypto.Cipher;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MailAddress;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.envelope.EnvelopeOpenException.Reason;
import org.sealpost.identity.envelope.SenderCheck.Failure;
import org.sealpost.identity.envelope.proto.KeyWrap;
import org.sealpost.identity.envelope.proto.Sealed;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.BundleVerifier;
import org.sealpost.identity.installation.InstallationId;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.SigningPublicKey;
import org.sealpost.identity.installation.Verification;

/**
 * Opens envelopes for one installation and checks who sent them (PROTOCOL.md §3.2). Decryption
 * failures throw; a sender that cannot be proven is reported in {@link OpenedEnvelope#sender()},
 * because the message itself is still the recipient's to see, marked as unverified. Thread-safe.
 */
public final class EnvelopeOpener {
  private final Account account;
  private final InstallationKeys keys;
  private final BundleVerifier verifier;

  public EnvelopeOpener(Account account, InstallationKeys keys, BundleVerifier verifier) {
    this.account = requireNonNull(account, "account");
    this.keys = requireNonNull(keys, "keys");
    this.verifier = requireNonNull(verifier, "verifier");
  }

  public OpenedEnvelope open(Envelope envelope, SenderDirectory senders)
      throws EnvelopeOpenException {
    requireNonNull(envelope, "envelope");
    requireNonNull(senders, "senders");
    var message = envelope.message();

    // "checks that recipient is its own account"
    if (!envelope.recipient().equals(account)) {
      throw new EnvelopeOpenException(
          Reason.NOT_FOR_THIS_ACCOUNT,
          "the envelope is for " + envelope.recipient() + ", this installation reads " + account);
    }
    // "finds its wrap"
    KeyWrap wrap =
        message.getWrapsList().stream()
            .filter(w -> w.getInstallation().equals(keys.id().hex()))
            .findFirst()
            .orElseThrow(
                () ->
                    new EnvelopeOpenException(
                        Reason.NO_WRAP,
                        "no key wrap for installation "
                            + keys.id()
                            + " (sealed before it was linked, or to other installations)"));
    // "opens K with HPKE", "decrypts with aad = H recomputed from the envelope's own fields"
    byte[] headerHash = envelope.headerHash();
    byte[] plaintext;
    try {
      byte[] contentKey =
          Crypto.unwrap(
              new X25519PrivateKeyParameters(keys.encryptionPrivateKey(), 0),
              wrap.getEnc().toByteArray(),
              Crypto.wrapInfo(headerHash),
              wrap.getWrappedKey().toByteArray());
      plaintext =
          Crypto.aesGcm(
              Cipher.DECRYPT_MODE,
              contentKey,
              message.getNonce().toByteArray(),
              headerHash,
              message.getCiphertext().toByteArray());
    } catch (InvalidCipherTextException | GeneralSecurityException e) {
      throw new EnvelopeOpenException(
          Reason.DECRYPTION_FAILED, "the envelope does not decrypt: it was altered in transit");
    }
    // "parses Sealed"
    Sealed sealed;
    try {
      sealed = Sealed.parseFrom(plaintext);
    } catch (InvalidProtocolBufferException e) {
      throw new EnvelopeOpenException(
          Reason.MALFORMED, "the sealed content is not a Sealed message");
    }
    byte[] mime = sealed.getMime().toByteArray();
    byte[] signedMessage = Crypto.signedMessage(headerHash, mime);
    SenderCheck check =
        sealed.getSender().isEmpty()
            ? checkGateway(sealed, signedMessage, senders)
            : checkInstallation(sealed, signedMessage, senders);
    return new OpenedEnvelope(envelope, mime, check);
  }

  /** "fetches the sender's bundle, checks it is valid for the sender account, and verifies sig" */
  private SenderCheck checkInstallation(
      Sealed sealed, byte[] signedMessage, SenderDirectory senders) {
    String claimed = sealed.getSender();
    Account sender;
    InstallationId installation;
    try {
      sender = Account.parse(claimed);
      installation = InstallationId.parse("sender installation", sealed.getSenderInstallation());
    } catch (MalformedException e) {
      return new SenderCheck.Unverified(Failure.SENDER_UNKNOWN, e.getMessage(), claimed);
    }
    Optional<Bundle> found = senders.bundle(sender, installation);
    if (found.isEmpty()) {
      return new SenderCheck.Unverified(
          Failure.SENDER_UNKNOWN,
          "no bundle found for " + sender + " installation " + installation,
          claimed);
    }
    Bundle bundle = found.get();
    if (!bundle.account().equals(sender) || !bundle.installation().equals(installation)) {
      return new SenderCheck.Unverified(
          Failure.SENDER_MISMATCH,
          "the bundle is for "
              + bundle.account()
              + " installation "
              + bundle.installation()
              + ", the envelope claims "
              + sender
              + " installation "
              + installation,
          claimed);
    }
    Verification verification = verifier.verify(bundle, senders.revocations(sender));
    if (verification instanceof Verification.Invalid invalid) {
      return new SenderCheck.Unverified(
          Failure.SENDER_BUNDLE_INVALID, "sender bundle " + invalid, claimed);
    }
    if (!bundle.signingKey().verify(signedMessage, sealed.getSignature().toByteArray())) {
      return new SenderCheck.Unverified(
          Failure.BAD_SIGNATURE, "the signature of " + sender + " does not verify", claimed);
    }
    return new SenderCheck.Verified(MailAddress.of(sender, bundle.home()), installation);
  }

  /** §5: gateway mail is signed by the gateway server's key. */
  private static SenderCheck checkGateway(
      Sealed sealed, byte[] signedMessage, SenderDirectory senders) {
    String claimed = sealed.getGateway();
    Domain gateway;
    try {
      gateway = Domain.parse(claimed);
    } catch (MalformedException e) {
      return new SenderCheck.Unverified(
          Failure.SENDER_UNKNOWN, "neither a sender nor a gateway: " + e.getMessage(), claimed);
    }
    Optional<SigningPublicKey> serverKey = senders.gatewayKey(gateway);
    if (serverKey.isEmpty()) {
      return new SenderCheck.Unverified(
          Failure.SENDER_UNKNOWN, "no server key known for gateway " + gateway, claimed);
    }
    if (!serverKey.get().verify(signedMessage, sealed.getSignature().toByteArray())) {
      return new SenderCheck.Unverified(
          Failure.BAD_SIGNATURE,
          "the signature of gateway " + gateway + " does not verify",
          claimed);
    }
    return new SenderCheck.Gateway(gateway);
  }
}
