package org.sealpost.identity.installation;

import static java.util.Objects.requireNonNull;

import org.sealpost.identity.Account;
import org.sealpost.identity.wallet.WalletSignature;

/** A published revocation (PROTOCOL.md §2.3): the statement and the wallet's signature of it. */
public record Revocation(RevocationStatement statement, WalletSignature walletSignature) {
  public Revocation {
    requireNonNull(statement, "statement");
    requireNonNull(walletSignature, "walletSignature");
  }

  public Account account() {
    return statement.account();
  }

  public InstallationId installation() {
    return statement.installation();
  }
}
