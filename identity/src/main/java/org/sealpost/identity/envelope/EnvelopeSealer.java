package org.sealpost.identity.envelope;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import javax.crypto.Cipher;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.sealpost.identity.Account;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.envelope.proto.KeyWrap;
import org.sealpost.identity.envelope.proto.Sealed;
import org.sealpost.identity.installation.Bundle;

/**
 * Seals a MIME message for one recipient account (PROTOCOL.md §3.1). The clock and the source of
 * randomness are injected. Thread-safe if the {@link SecureRandom} is (the JDK's are).
 */
public final class EnvelopeSealer {
  private final Clock clock;
  private final SecureRandom random;

  public EnvelopeSealer(Clock clock, SecureRandom random) {
    this.clock = requireNonNull(clock, "clock");
    this.random = requireNonNull(random, "random");
  }

  /**
   * Seals {@code mime} from {@code author} to every installation in {@code recipientBundles}.
   *
   * @param recipientBundles the recipient's active installations. The caller MUST have verified
   *     each with {@code BundleVerifier} (this method trusts them) and MUST pass at least one; all
   *     MUST name the same account, which becomes the envelope's recipient.
   * @throws IllegalArgumentException if the bundles are empty, of several accounts, or repeat an
   *     installation
   */
  public Envelope seal(Author author, Collection<Bundle> recipientBundles, byte[] mime) {
    requireNonNull(author, "author");
    requireNonNull(recipientBundles, "recipientBundles");
    requireNonNull(mime, "mime");
    Account recipient = singleRecipient(recipientBundles);

    byte[] id = EnvelopeId.random(random).bytes();
    long createdAtMs = clock.millis();
    byte[] nonce = randomBytes(Envelope.NONCE_LENGTH);
    byte[] contentKey = randomBytes(Crypto.CONTENT_KEY_LENGTH);

    // Step 1: H binds id, recipient and time to the signature, the content and every wrap.
    byte[] headerHash = Envelope.headerHash(id, recipient.canonical(), createdAtMs);
    // Step 2: the author's signature over H and the message.
    Sealed sealed = sealedContent(author, Crypto.signedMessage(headerHash, mime), mime);
    // Step 3: the content, under a fresh key.
    byte[] ciphertext;
    try {
      ciphertext =
          Crypto.aesGcm(Cipher.ENCRYPT_MODE, contentKey, nonce, headerHash, sealed.toByteArray());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
    }
    var envelope =
        org.sealpost.identity.envelope.proto.Envelope.newBuilder()
            .setVersion(Envelope.VERSION)
            .setId(ByteString.copyFrom(id))
            .setRecipient(recipient.canonical())
            .setCreatedAtMs(createdAtMs)
            .setNonce(ByteString.copyFrom(nonce))
            .setCiphertext(ByteString.copyFrom(ciphertext));
    // Step 4: the content key, wrapped to each installation with HPKE.
    byte[] info = Crypto.wrapInfo(headerHash);
    for (Bundle bundle : recipientBundles) {
      envelope.addWraps(wrap(bundle, info, contentKey));
    }
    try {
      var message = envelope.build();
      return Envelope.of(message, message.toByteArray());
    } catch (MalformedException e) {
      throw new IllegalStateException("sealed an envelope that does not parse", e);
    }
  }

  private static Account singleRecipient(Collection<Bundle> bundles) {
    if (bundles.isEmpty()) {
      throw new IllegalArgumentException("recipientBundles: empty (expected: at least one)");
    }
    Account recipient = bundles.iterator().next().account();
    Set<Object> installations = new HashSet<>();
    for (Bundle bundle : bundles) {
      if (!bundle.account().equals(recipient)) {
        throw new IllegalArgumentException(
            "recipientBundles: accounts "
                + recipient
                + " and "
                + bundle.account()
                + " (expected: one envelope per recipient account)");
      }
      if (!installations.add(bundle.installation())) {
        throw new IllegalArgumentException(
            "recipientBundles: installation " + bundle.installation() + " appears twice");
      }
    }
    return recipient;
  }

  private static Sealed sealedContent(Author author, byte[] signedMessage, byte[] mime) {
    Sealed.Builder sealed = Sealed.newBuilder().setMime(ByteString.copyFrom(mime));
    if (author instanceof Author.Installation installation) {
      sealed
          .setSender(installation.account().canonical())
          .setSenderInstallation(installation.keys().id().hex())
          .setSignature(ByteString.copyFrom(installation.keys().signing().sign(signedMessage)));
    } else if (author instanceof Author.Gateway gateway) {
      sealed
          .setGateway(gateway.domain().name())
          .setSignature(ByteString.copyFrom(gateway.serverKey().sign(signedMessage)));
    }
    return sealed.build();
  }

  private KeyWrap wrap(Bundle bundle, byte[] info, byte[] contentKey) {
    X25519PrivateKeyParameters ephemeral = new X25519PrivateKeyParameters(random);
    byte[][] encAndWrapped;
    try {
      encAndWrapped =
          Crypto.wrap(
              bundle.encryptionKey().bytes(),
              info,
              contentKey,
              new AsymmetricCipherKeyPair(ephemeral.generatePublicKey(), ephemeral));
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("HPKE seal failed", e);
    }
    return KeyWrap.newBuilder()
        .setInstallation(bundle.installation().hex())
        .setEnc(ByteString.copyFrom(encAndWrapped[0]))
        .setWrappedKey(ByteString.copyFrom(encAndWrapped[1]))
        .build();
  }

  private byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }
}
