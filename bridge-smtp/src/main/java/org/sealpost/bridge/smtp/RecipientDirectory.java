package org.sealpost.bridge.smtp;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import org.sealpost.client.ApiException;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.BundleVerifier;

/**
 * Finds a recipient's valid bundles through the home server's client API (PROTOCOL.md §6, §7) and
 * checks every one itself (§2.2): the server that answers is not trusted. Each refusal is the SMTP
 * reply to give at RCPT time. Thread-safe; blocks for an HTTP round trip.
 */
final class RecipientDirectory {
  /**
   * The domain James gives an RCPT address without {@code @} (a bare account, §1). {@code .invalid}
   * is reserved (RFC 2606), so no real domain is mistaken for it.
   */
  static final String BARE = "bare-account.invalid";

  private final SealpostClient client;
  private final BundleVerifier verifier;

  RecipientDirectory(SealpostClient client, BundleVerifier verifier) {
    this.client = requireNonNull(client, "client");
    this.verifier = requireNonNull(verifier, "verifier");
  }

  /** The outcome of a lookup: a recipient, or the reply that refuses it. */
  sealed interface Lookup {}

  record Found(Recipient recipient) implements Lookup {}

  record Refused(Reply reply) implements Lookup {}

  /**
   * Resolves {@code localPart@domain}; {@code domain} is {@link #BARE} for a bare account, which
   * the home server looks up as §6 says.
   */
  Lookup resolve(String localPart, String domain) {
    Account account;
    try {
      account = Account.parse(localPart);
    } catch (MalformedException e) {
      return new Refused(
          new Reply(
              "550",
              "5.1.3",
              "<"
                  + localPart
                  + "@"
                  + domain
                  + "> is not a wallet address: the part before @ must be an account, 0x followed"
                  + " by 40 hex digits ("
                  + e.getMessage()
                  + ")"));
    }
    boolean bare = BARE.equalsIgnoreCase(domain);
    Domain home = null;
    if (!bare) {
      try {
        home = Domain.parse(domain);
      } catch (MalformedException e) {
        return new Refused(new Reply("550", "5.1.2", e.getMessage()));
      }
    }
    String target = bare ? account.canonical() : account.canonical() + "@" + home.name();
    SealpostClient.AccountKeys keys;
    try {
      keys = client.bundles(target);
    } catch (ApiException e) {
      return new Refused(refusal(target, e));
    }
    Domain wanted = home;
    List<Bundle> valid =
        keys.bundles().stream()
            .filter(b -> b.account().equals(account))
            // §6: "a bundle whose home is not <domain> is ignored"
            .filter(b -> wanted == null || b.home().equals(wanted))
            .filter(b -> verifier.verify(b, keys.revocations()).isValid())
            .toList();
    if (valid.isEmpty()) {
      return new Refused(
          new Reply(
              "550",
              "5.1.1",
              target
                  + " has no valid installation to seal to (no bundle that its wallet signed and"
                  + " that has not expired or been revoked); ask its owner to link one"));
    }
    // A bare account is delivered to the home of its bundles (all of one home, the first's).
    Domain resolved = wanted != null ? wanted : valid.get(0).home();
    return new Found(
        new Recipient(
            account, resolved, valid.stream().filter(b -> b.home().equals(resolved)).toList()));
  }

  private static Reply refusal(String target, ApiException e) {
    String why = e.getMessage() == null || e.getMessage().isBlank() ? e.code() : e.getMessage();
    if (e.status() == 0) {
      return new Reply(
          "451", "4.4.1", "the home server cannot be reached to look up " + target + "; try later");
    }
    if (e.status() == 404 || "unknown_account".equals(e.code())) {
      return new Reply("550", "5.1.1", target + " has no inbox: " + why);
    }
    if ("federation_unavailable".equals(e.code())) {
      return new Reply(
          "550", "5.1.2", "cannot deliver to " + target + ": " + why.toLowerCase(Locale.ROOT));
    }
    if (e.status() == 400) {
      return new Reply("550", "5.1.3", target + " is not a valid wallet mail address: " + why);
    }
    if (e.status() == 429) {
      return new Reply("451", "4.7.1", "the home server is busy (" + why + "); try later");
    }
    if (e.status() >= 500) {
      return new Reply("451", "4.4.0", "cannot look up " + target + " now: " + why + "; try later");
    }
    return new Reply("550", "5.1.0", "cannot look up " + target + ": " + why);
  }
}
