package org.sealpost.identity.envelope;

import static java.util.Objects.requireNonNull;

import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.SigningKeys;

/** Who signs an envelope: an installation of a wallet (§3.1), or a server's mail gateway (§5). */
public sealed interface Author {

  /** A wallet's installation; {@code keys} must belong to a bundle linked to {@code account}. */
  record Installation(Account account, InstallationKeys keys) implements Author {
    public Installation {
      requireNonNull(account, "account");
      requireNonNull(keys, "keys");
    }
  }

  /** A home server sealing mail from the legacy internet with its server key (§5). */
  record Gateway(Domain domain, SigningKeys serverKey) implements Author {
    public Gateway {
      requireNonNull(domain, "domain");
      requireNonNull(serverKey, "serverKey");
    }
  }
}
