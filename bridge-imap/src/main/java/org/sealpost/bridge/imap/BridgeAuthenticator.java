package org.sealpost.bridge.imap;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.james.core.Username;
import org.apache.james.mailbox.Authenticator;
import org.sealpost.bridge.BridgeAccount;
import org.sealpost.bridge.BridgeAccounts;
import org.sealpost.bridge.BridgePassword;
import org.sealpost.identity.Account;
import org.sealpost.identity.MailAddress;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.secret.PassphraseBox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * LOGIN and AUTHENTICATE PLAIN: the user is the account's mail address or the bare account, the
 * password the bridge password. The first success per account runs Argon2 (hash check and key
 * unlock) and keeps the keys in memory; later logins (Thunderbird opens several connections)
 * compare an HMAC of the password under a random per-process key instead.
 */
final class BridgeAuthenticator implements Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeAuthenticator.class);

  /** Told once per account when its keys are unlocked. */
  interface UnlockListener {
    void unlocked(Username user, BridgeAccount account, InstallationKeys keys);
  }

  private final BridgeAccounts accounts;
  private final LoginLimiter limiter;
  private final UnlockListener listener;
  private final byte[] cacheKey = new byte[32];
  private final Map<Username, byte[]> verified = new ConcurrentHashMap<>();
  private final Map<Username, Object> locks = new ConcurrentHashMap<>();

  BridgeAuthenticator(
      BridgeAccounts accounts, LoginLimiter limiter, UnlockListener listener, SecureRandom random) {
    this.accounts = requireNonNull(accounts, "accounts");
    this.limiter = requireNonNull(limiter, "limiter");
    this.listener = requireNonNull(listener, "listener");
    random.nextBytes(cacheKey);
  }

  /** The account a login name refers to, if this bridge serves it. */
  Optional<BridgeAccount> account(String login) {
    try {
      String text = login.trim();
      if (text.contains("@")) {
        MailAddress address = MailAddress.parse(text);
        return accounts.find(address.account()).filter(a -> a.mail().home().equals(address.home()));
      }
      return accounts.find(Account.parse(text));
    } catch (MalformedException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The one James user name of an account, whatever the client typed. */
  Username canonical(Username login) {
    return account(login.asString()).map(a -> Username.of(a.mail().toString())).orElse(login);
  }

  @Override
  public boolean isAuthentic(Username user, CharSequence password) {
    String ip = Optional.ofNullable(MDC.get("ip")).orElse("?");
    String key = user.asString() + "|" + ip;
    if (limiter.refused(key)) {
      LOG.warn("IMAP login for {} from {} refused: too many failed attempts", user.asString(), ip);
      return false;
    }
    sleep(limiter.delay(key));
    Optional<BridgeAccount> found = account(user.asString());
    char[] chars = toChars(password);
    try {
      if (found.isEmpty()) {
        LOG.info("IMAP login for unknown account {} from {}", user.asString(), ip);
        limiter.failed(key);
        return false;
      }
      BridgeAccount account = found.get();
      byte[] digest = hmac(user, chars);
      byte[] known = verified.get(user);
      if (known != null && MessageDigest.isEqual(known, digest)) {
        limiter.succeeded(key);
        return true;
      }
      synchronized (locks.computeIfAbsent(user, any -> new Object())) {
        known = verified.get(user);
        if (known != null && MessageDigest.isEqual(known, digest)) {
          limiter.succeeded(key);
          return true;
        }
        if (!BridgePassword.verify(chars, account.passwordHash())) {
          LOG.info("IMAP login for {} from {}: wrong bridge password", user.asString(), ip);
          limiter.failed(key);
          return false;
        }
        InstallationKeys keys;
        try {
          keys = account.installation().unlock(chars);
        } catch (PassphraseBox.WrongPassphraseException | MalformedException e) {
          LOG.error("the keys of {} do not unlock with its bridge password", account.mail(), e);
          return false;
        }
        listener.unlocked(user, account, keys);
        verified.put(user, digest);
        limiter.succeeded(key);
        return true;
      }
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  private byte[] hmac(Username user, char[] password) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
      mac.update(user.asString().getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
      byte[] bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
      byte[] out = mac.doFinal(bytes);
      Arrays.fill(bytes, (byte) 0);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static char[] toChars(CharSequence password) {
    char[] chars = new char[password.length()];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = password.charAt(i);
    }
    return chars;
  }

  private static void sleep(java.time.Duration delay) {
    if (delay.isZero()) {
      return;
    }
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
