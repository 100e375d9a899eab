package org.sealpost.bridge.smtp;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MailAddress;
import org.sealpost.identity.installation.Bundle;

/**
 * A wallet recipient resolved at RCPT time: its account, home server and the bundles that were
 * valid then (each checked against its wallet signature, PROTOCOL.md §2.2): one envelope goes to
 * all of them.
 */
record Recipient(Account account, Domain home, List<Bundle> bundles) {
  Recipient {
    requireNonNull(account, "account");
    requireNonNull(home, "home");
    bundles = List.copyOf(bundles);
    if (bundles.isEmpty()) {
      throw new IllegalArgumentException("bundles: empty (expected: at least one valid bundle)");
    }
  }

  MailAddress mailAddress() {
    return MailAddress.of(account, home);
  }
}
