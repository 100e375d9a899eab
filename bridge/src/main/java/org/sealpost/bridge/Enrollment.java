package org.sealpost.bridge;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MailAddress;
import org.sealpost.identity.ProtocolTime;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.LinkStatement;
import org.sealpost.identity.secret.PassphraseBox;
import org.sealpost.identity.wallet.WalletSignature;

/**
 * Creating an account in the bridge (DESIGN.md, "Login"): the bridge makes an installation, the
 * wallet signs its link text (PROTOCOL.md §2.1), the bridge registers the bundle with the home
 * server and hands out a bridge password, once. Between the two steps the new keys wait in memory
 * only; a bridge restart means starting again.
 */
public final class Enrollment {
  /** How long a link stays valid before the wallet must sign again. */
  public static final Duration LINK_VALIDITY = Duration.ofDays(365);

  private final Domain home;
  private final SealpostClient server;
  private final BridgeAccounts accounts;
  private final Clock clock;
  private final SecureRandom random;
  private final BridgePassword passwordCost;
  private final PassphraseBox keyCost;
  private final Map<Account, Pending> pending = new ConcurrentHashMap<>();

  private record Pending(InstallationKeys keys, LinkStatement statement) {}

  /** What the user needs to configure a mail client; the password is shown this once. */
  public record Credentials(MailAddress mail, char[] password) {}

  /** A wallet signature that does not link the installation, with the reason. */
  public static final class EnrollmentException extends Exception {
    private static final long serialVersionUID = 1L;

    public EnrollmentException(String message) {
      super(message);
    }
  }

  public Enrollment(
      Domain home,
      SealpostClient server,
      BridgeAccounts accounts,
      Clock clock,
      SecureRandom random,
      BridgePassword passwordCost,
      PassphraseBox keyCost) {
    this.home = requireNonNull(home, "home");
    this.server = requireNonNull(server, "server");
    this.accounts = requireNonNull(accounts, "accounts");
    this.clock = requireNonNull(clock, "clock");
    this.random = requireNonNull(random, "random");
    this.passwordCost = requireNonNull(passwordCost, "passwordCost");
    this.keyCost = requireNonNull(keyCost, "keyCost");
  }

  /** Step 1: a new installation for {@code account}; returns the text its wallet must sign. */
  public String prepare(Account account) {
    requireNonNull(account, "account");
    InstallationKeys keys = InstallationKeys.generate(random);
    Instant issuedAt = ProtocolTime.truncate(clock.instant());
    LinkStatement statement =
        LinkStatement.forKeys(account, home, keys, issuedAt, issuedAt.plus(LINK_VALIDITY));
    pending.put(account, new Pending(keys, statement));
    return statement.text();
  }

  /**
   * Step 2: checks the wallet's signature of the text from {@link #prepare}, registers the bundle
   * with the home server, saves the account and returns its new bridge password.
   */
  public Credentials complete(Account account, WalletSignature signature)
      throws EnrollmentException {
    Pending waiting = pending.get(requireNonNull(account, "account"));
    if (waiting == null) {
      throw new EnrollmentException(
          "no account creation is waiting for " + account + "; run it again from the start");
    }
    Optional<Account> signer = signature.recoverSigner(waiting.statement().text());
    if (signer.isEmpty() || !signer.get().equals(account)) {
      throw new EnrollmentException(
          "the signature is by "
              + signer.map(Account::canonical).orElse("no account")
              + ", not by "
              + account
              + "; sign the text with that wallet (personal_sign)");
    }
    server.link(new Bundle(waiting.statement(), signature));
    char[] password = BridgePassword.generate(random);
    accounts.save(
        new BridgeAccount(
            MailAddress.of(account, home),
            LockedInstallation.lock(waiting.keys(), password, keyCost, random),
            passwordCost.hash(password, random)));
    pending.remove(account, waiting);
    return new Credentials(MailAddress.of(account, home), password);
  }
}
