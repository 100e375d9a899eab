package org.sealpost.identity.installation;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.sealpost.identity.Account;
import org.sealpost.identity.ProtocolTime;

/** What a wallet signs to revoke one of its installations (PROTOCOL.md §2.3). */
public record RevocationStatement(Account account, InstallationId installation, Instant revokedAt) {
  public RevocationStatement {
    requireNonNull(account, "account");
    requireNonNull(installation, "installation");
    requireNonNull(revokedAt, "revokedAt");
    ProtocolTime.format(revokedAt);
  }

  /** The exact text of §2.3, lines joined by {@code \n}, no trailing newline. */
  public String text() {
    return String.join(
        "\n",
        "Sealpost wants you to revoke an installation of your inbox.",
        "",
        "Account: " + account.canonical(),
        "Installation: " + installation.hex(),
        "Revoked at: " + ProtocolTime.format(revokedAt));
  }
}
