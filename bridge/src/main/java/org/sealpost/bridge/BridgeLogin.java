package org.sealpost.bridge;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.sealpost.identity.Account;
import org.sealpost.identity.MailAddress;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.secret.PassphraseBox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mail client's login to a bridge (DESIGN.md, "Login"), the same for IMAP and SMTP: the user is
 * the account's mail address (any letter case) or the bare account, the password its bridge
 * password. The first success per account runs Argon2 twice (the hash check, then the key unlock)
 * and keeps the keys in memory for the life of the process; later logins (mail clients open many
 * connections) compare an HMAC of the password under a random per-process key instead. Failures are
 * counted per login name and client address by a {@link LoginLimiter}. Thread-safe; a call may
 * block for about a second (Argon2, or the limiter's delay).
 */
public final class BridgeLogin {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeLogin.class);

  /** What a login attempt came to. */
  public sealed interface Outcome {}

  /** The password was right: the account and its unlocked installation keys. */
  public record Unlocked(BridgeAccount account, InstallationKeys keys) implements Outcome {
    public Unlocked {
      requireNonNull(account, "account");
      requireNonNull(keys, "keys");
    }
  }

  /** Refused; {@code reason} is for logs and tests, never shown in more detail to the client. */
  public record Refused(Reason reason) implements Outcome {
    public Refused {
      requireNonNull(reason, "reason");
    }
  }

  /** Why a login was refused. */
  public enum Reason {
    UNKNOWN_ACCOUNT,
    WRONG_PASSWORD,
    /** Too many failures of this login name from this client: see {@link LoginLimiter}. */
    TOO_MANY_FAILURES,
    /** The password matches its hash but does not open the keys: the account file is damaged. */
    KEYS_DAMAGED
  }

  private final BridgeAccounts accounts;
  private final LoginLimiter limiter;
  private final byte[] cacheKey = new byte[32];
  private final Map<Account, Verified> verified = new ConcurrentHashMap<>();
  private final Map<Account, Object> locks = new ConcurrentHashMap<>();

  private record Verified(byte[] digest, Unlocked unlocked) {}

  public BridgeLogin(BridgeAccounts accounts, LoginLimiter limiter, SecureRandom random) {
    this.accounts = requireNonNull(accounts, "accounts");
    this.limiter = requireNonNull(limiter, "limiter");
    requireNonNull(random, "random").nextBytes(cacheKey);
  }

  /** The account a login name refers to, if this bridge serves it. */
  public Optional<BridgeAccount> account(String login) {
    requireNonNull(login, "login");
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

  /**
   * Checks {@code password} for {@code login}; the caller keeps and clears {@code password}.
   *
   * @param client the client's address, for counting failures (e.g. its IP address)
   */
  public Outcome login(String login, char[] password, String client) {
    requireNonNull(login, "login");
    requireNonNull(password, "password");
    String key = login.trim().toLowerCase(java.util.Locale.ROOT) + "|" + client;
    if (limiter.refused(key)) {
      LOG.warn("login for {} from {} refused: too many failed attempts", login, client);
      return new Refused(Reason.TOO_MANY_FAILURES);
    }
    sleep(limiter.delay(key));
    Optional<BridgeAccount> found = account(login);
    if (found.isEmpty()) {
      LOG.info("login for unknown account {} from {}", login, client);
      limiter.failed(key);
      return new Refused(Reason.UNKNOWN_ACCOUNT);
    }
    BridgeAccount account = found.get();
    Account owner = account.mail().account();
    byte[] digest = hmac(owner, password);
    Verified known = verified.get(owner);
    if (known != null && MessageDigest.isEqual(known.digest(), digest)) {
      limiter.succeeded(key);
      return known.unlocked();
    }
    synchronized (locks.computeIfAbsent(owner, any -> new Object())) {
      known = verified.get(owner);
      if (known != null && MessageDigest.isEqual(known.digest(), digest)) {
        limiter.succeeded(key);
        return known.unlocked();
      }
      if (!BridgePassword.verify(password, account.passwordHash())) {
        LOG.info("login for {} from {}: wrong bridge password", account.mail(), client);
        limiter.failed(key);
        return new Refused(Reason.WRONG_PASSWORD);
      }
      InstallationKeys keys;
      try {
        keys = account.installation().unlock(password);
      } catch (PassphraseBox.WrongPassphraseException | MalformedException e) {
        LOG.error("the keys of {} do not unlock with its bridge password", account.mail(), e);
        return new Refused(Reason.KEYS_DAMAGED);
      }
      Unlocked unlocked = new Unlocked(account, keys);
      verified.put(owner, new Verified(digest, unlocked));
      limiter.succeeded(key);
      return unlocked;
    }
  }

  private byte[] hmac(Account account, char[] password) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
      mac.update(account.canonical().getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) 0);
      ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
      byte[] bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
      byte[] out = mac.doFinal(bytes);
      Arrays.fill(bytes, (byte) 0);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  private static void sleep(Duration delay) {
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
