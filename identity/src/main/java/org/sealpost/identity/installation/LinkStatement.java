package org.sealpost.identity.installation;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.ProtocolTime;

/**
 * What a wallet signs to link an installation to its inbox (PROTOCOL.md §2.1). A wallet shows the
 * {@link #text()} to its owner, which is why it is plain readable lines and nothing else.
 */
public record LinkStatement(
    Account account,
    Domain home,
    InstallationId installation,
    SigningPublicKey signingKey,
    EncryptionPublicKey encryptionKey,
    Instant issuedAt,
    Instant expiresAt) {

  public LinkStatement {
    requireNonNull(account, "account");
    requireNonNull(home, "home");
    requireNonNull(installation, "installation");
    requireNonNull(signingKey, "signingKey");
    requireNonNull(encryptionKey, "encryptionKey");
    requireNonNull(issuedAt, "issuedAt");
    requireNonNull(expiresAt, "expiresAt");
    ProtocolTime.format(issuedAt); // whole seconds, or the text could not be rebuilt
    ProtocolTime.format(expiresAt);
  }

  /** The statement for an installation's own keys; its id is computed, never taken on trust. */
  public static LinkStatement forKeys(
      Account account, Domain home, InstallationKeys keys, Instant issuedAt, Instant expiresAt) {
    return new LinkStatement(
        account,
        home,
        keys.id(),
        keys.signingPublicKey(),
        keys.encryptionPublicKey(),
        issuedAt,
        expiresAt);
  }

  /** The exact text of §2.1: lines joined by a single {@code \n}, no trailing newline. */
  public String text() {
    return String.join(
        "\n",
        "Sealpost wants you to link a new installation to your inbox.",
        "",
        "Account: " + account.canonical(),
        "Home server: " + home.name(),
        "Installation: " + installation.hex(),
        "Signing key: " + signingKey.hex(),
        "Encryption key: " + encryptionKey.hex(),
        "Issued at: " + ProtocolTime.format(issuedAt),
        "Expires at: " + ProtocolTime.format(expiresAt));
  }
}
