package org.sealpost.bridge.imap;

import static java.util.Objects.requireNonNull;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.james.core.Username;
import org.apache.james.mailbox.exception.MailboxException;
import org.sealpost.bridge.BridgeAccount;
import org.sealpost.bridge.OwnCopy;
import org.sealpost.client.ApiException;
import org.sealpost.client.ApiSenderDirectory;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.Account;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.envelope.Author;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.identity.envelope.EnvelopeOpenException;
import org.sealpost.identity.envelope.EnvelopeOpener;
import org.sealpost.identity.envelope.EnvelopeSealer;
import org.sealpost.identity.envelope.OpenedEnvelope;
import org.sealpost.identity.envelope.SenderCheck;
import org.sealpost.identity.envelope.SenderDirectory;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.BundleVerifier;
import org.sealpost.identity.installation.InstallationKeys;

/**
 * The envelopes behind the messages and the keys that open them. Envelope ciphertext is kept in
 * {@code imap_envelopes} with the sender check made at sync time, so bodies open again after a
 * restart; plaintext exists only in a bounded, expiring in-memory cache and is never written
 * anywhere. The unlocked keys stay in memory for the life of the process.
 */
final class MessageStore implements MessageContents {
  /** An account whose keys were unlocked by a successful login. */
  record Unlocked(BridgeAccount account, InstallationKeys keys, EnvelopeOpener opener) {}

  /** What opening an envelope for placement gave. */
  record Opened(String key, OpenedEnvelope envelope, byte[] rendered) {}

  private final SealpostClient client;
  private final Clock clock;
  private final SecureRandom random;
  private final SenderDirectory senders;
  private final Map<Username, Unlocked> vault = new ConcurrentHashMap<>();
  private final BridgeDatabase database;
  private final Cache<String, byte[]> opened =
      CacheBuilder.newBuilder()
          .maximumWeight(64L * 1024 * 1024)
          .<String, byte[]>weigher((key, bytes) -> bytes.length)
          .expireAfterAccess(Duration.ofMinutes(15))
          .build();

  MessageStore(BridgeDatabase database, SealpostClient client, Clock clock, SecureRandom random) {
    this.database = requireNonNull(database, "database");
    this.client = requireNonNull(client, "client");
    this.clock = requireNonNull(clock, "clock");
    this.random = requireNonNull(random, "random");
    this.senders = new ApiSenderDirectory(client, clock);
  }

  Unlocked unlock(Username owner, BridgeAccount account, InstallationKeys keys) {
    return vault.computeIfAbsent(
        owner,
        any ->
            new Unlocked(
                account,
                keys,
                new EnvelopeOpener(account.mail().account(), keys, new BundleVerifier(clock))));
  }

  boolean isUnlocked(Username owner) {
    return vault.containsKey(owner);
  }

  /** Keeps {@code envelope} (synced mail), opens and renders it for placement. */
  Opened keep(Username owner, Envelope envelope)
      throws EnvelopeOpenException, IOException, MailboxException {
    Unlocked keys = unlocked(owner);
    String key = envelope.id().hex();
    OpenedEnvelope open = keys.opener().open(envelope, senders);
    byte[] rendered = Rendering.render(open);
    save(
        KeptEnvelopes.row(owner, key, envelope, true, Optional.of(open.sender()), clock.instant()));
    opened.put(cacheKey(owner, key), rendered);
    return new Opened(key, open, rendered);
  }

  /** Who a kept synced message is from, as its signature proved when it was synced. */
  Optional<SenderCheck> senderOf(Username owner, String key) throws MailboxException {
    return find(owner, key).flatMap(KeptEnvelopes::sender);
  }

  /** Whether {@code owner} was given this envelope before (even if its messages are expunged). */
  boolean knows(Username owner, String key) throws MailboxException {
    return find(owner, key).isPresent();
  }

  private Optional<KeptEnvelopeRow> find(Username owner, String key) throws MailboxException {
    return Optional.ofNullable(
        database.read(
            session -> session.get(KeptEnvelopeRow.class, KeptEnvelopes.key(owner, key))));
  }

  /** Stores {@code row} unless the envelope is already kept (a redelivery, the same bytes). */
  private void save(KeptEnvelopeRow row) throws MailboxException {
    database.write(
        session -> {
          if (session.get(KeptEnvelopeRow.class, KeptEnvelopes.key(row.owner, row.envelopeId))
              == null) {
            session.insert(row);
          }
          return row;
        });
  }

  @Override
  public byte[] open(Username owner, String key) throws IOException {
    byte[] cached = opened.getIfPresent(cacheKey(owner, key));
    if (cached != null) {
      return cached;
    }
    Optional<KeptEnvelopeRow> kept;
    try {
      kept = find(owner, key);
    } catch (MailboxException e) {
      throw new IOException("message " + key + " cannot be read: " + e.getMessage(), e);
    }
    if (kept.isEmpty() || kept.get().body == null) {
      throw new IOException("message " + key + " is gone");
    }
    Unlocked keys = unlocked(owner);
    OpenedEnvelope open;
    try {
      open = keys.opener().open(Envelope.parse(kept.get().body), senders);
    } catch (EnvelopeOpenException | MalformedException e) {
      throw new IOException("message " + key + " does not open: " + e.getMessage(), e);
    }
    // an appended message is given back exactly as the client wrote it: without our marker
    byte[] bytes = kept.get().rendered ? Rendering.render(open) : OwnCopy.unmark(open.mime());
    opened.put(cacheKey(owner, key), bytes);
    return bytes;
  }

  /**
   * APPEND: seals {@code mime}, marked for {@code folder} ({@link OwnCopy}), to every valid
   * installation of the account, keeps the envelope, then publishes it to the account's inbox so
   * the account's other installations file it too. Returns once the home server has committed it
   * (an APPEND is acknowledged only then); on failure nothing is kept and the client is told why.
   */
  String sealAppended(Username owner, byte[] mime, String folder) throws MailboxException {
    Unlocked keys;
    try {
      keys = unlocked(owner);
    } catch (IOException e) {
      throw new MailboxException(e.getMessage(), e);
    }
    Account account = keys.account().mail().account();
    BundleVerifier verifier = new BundleVerifier(clock);
    List<Bundle> own;
    try {
      SealpostClient.AccountKeys found = client.bundles(account.canonical());
      own =
          found.bundles().stream()
              .filter(b -> verifier.verify(b, found.revocations()).isValid())
              .toList();
    } catch (ApiException e) {
      throw new MailboxException("cannot reach the home server to seal: " + e.getMessage(), e);
    }
    if (own.stream().noneMatch(b -> b.installation().equals(keys.keys().id()))) {
      throw new MailboxException("this bridge's installation is not linked to " + account);
    }
    Envelope envelope =
        new EnvelopeSealer(clock, random)
            .seal(new Author.Installation(account, keys.keys()), own, OwnCopy.mark(mime, folder));
    String key = envelope.id().hex();
    // Kept before publishing: the inbox stream brings the envelope back to this bridge, which must
    // already know it then, or it would file it a second time.
    save(KeptEnvelopes.row(owner, key, envelope, false, Optional.empty(), clock.instant()));
    try {
      client.as(keys.keys()).publish(envelope, Optional.of(keys.account().mail().home()));
    } catch (ApiException e) {
      forget(owner, key);
      throw new MailboxException(
          "the home server did not take the message, nothing was saved: " + e.getMessage(), e);
    }
    opened.put(cacheKey(owner, key), mime.clone());
    return key;
  }

  /** The account whose keys {@code owner}'s login unlocked. */
  Account account(Username owner) throws IOException {
    return unlocked(owner).account().mail().account();
  }

  private void forget(Username owner, String key) throws MailboxException {
    database.write(
        session -> {
          KeptEnvelopeRow row = session.get(KeptEnvelopeRow.class, KeptEnvelopes.key(owner, key));
          if (row != null) {
            session.delete(row);
          }
          return row;
        });
  }

  private Unlocked unlocked(Username owner) throws IOException {
    Unlocked keys = vault.get(owner);
    if (keys == null) {
      throw new IOException("the keys of " + owner.asString() + " are locked: log in again");
    }
    return keys;
  }

  private static String cacheKey(Username owner, String key) {
    return owner.asString() + "/" + key;
  }
}
