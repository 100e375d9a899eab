package org.sealpost.identity.testing;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.LinkStatement;
import org.sealpost.identity.wallet.WalletKey;

/** Well-known test wallets (Hardhat's development accounts: never hold funds with them). */
public final class Fixtures {
  public static final String ALICE_KEY =
      "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  public static final String BOB_KEY =
      "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
  public static final String CAROL_KEY =
      "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdf443a6";

  public static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  public static final SecureRandom RANDOM = new SecureRandom();

  private Fixtures() {}

  public static WalletKey wallet(String hex) {
    try {
      return WalletKey.parse(hex);
    } catch (MalformedException e) {
      throw new AssertionError(e);
    }
  }

  public static Domain domain(String name) {
    try {
      return Domain.parse(name);
    } catch (MalformedException e) {
      throw new AssertionError(e);
    }
  }

  /** A bundle for {@code keys}, signed by {@code wallet}, valid for a year from {@link #NOW}. */
  public static Bundle link(WalletKey wallet, InstallationKeys keys, String home) {
    return link(wallet, keys, home, NOW, NOW.plus(Duration.ofDays(365)));
  }

  public static Bundle link(
      WalletKey wallet, InstallationKeys keys, String home, Instant issuedAt, Instant expiresAt) {
    LinkStatement statement =
        LinkStatement.forKeys(wallet.account(), domain(home), keys, issuedAt, expiresAt);
    return new Bundle(statement, wallet.signPersonal(statement.text()));
  }
}
