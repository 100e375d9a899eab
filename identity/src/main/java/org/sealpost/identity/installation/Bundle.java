package org.sealpost.identity.installation;

import static java.util.Objects.requireNonNull;

import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MailAddress;
import org.sealpost.identity.wallet.WalletSignature;

/**
 * A key bundle (PROTOCOL.md §2.2): a link statement and the wallet's signature of its text. A
 * bundle proves nothing until {@link BundleVerifier} has checked it; whoever served it is not
 * trusted.
 */
public record Bundle(LinkStatement statement, WalletSignature walletSignature) {
  public Bundle {
    requireNonNull(statement, "statement");
    requireNonNull(walletSignature, "walletSignature");
  }

  public Account account() {
    return statement.account();
  }

  public Domain home() {
    return statement.home();
  }

  public MailAddress mailAddress() {
    return MailAddress.of(statement.account(), statement.home());
  }

  public InstallationId installation() {
    return statement.installation();
  }

  public SigningPublicKey signingKey() {
    return statement.signingKey();
  }

  public EncryptionPublicKey encryptionKey() {
    return statement.encryptionKey();
  }
}
