package org.sealpost.server.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.sealpost.identity.Account;
import org.sealpost.identity.installation.InstallationId;

/**
 * An account's decision to allow or deny a sender or a whole domain, with the proof that one of its
 * installations made it: the installation's signature of the request that set it (the installation
 * auth of PROTOCOL.md §7), so every installation can check it.
 *
 * @param subject a canonical account for {@link Kind#SENDER}, a lowercase domain for {@link
 *     Kind#DOMAIN}
 * @param requestTarget the signed path-and-query, {@code requestTime} the signed unix time, {@code
 *     requestBody} the signed body; with {@code signature} they rebuild what the installation
 *     signed
 */
public record ConsentRecord(
    Account account,
    Kind kind,
    String subject,
    State state,
    Instant decidedAt,
    InstallationId installation,
    String requestTarget,
    long requestTime,
    byte[] requestBody,
    byte[] signature) {

  public enum Kind {
    SENDER,
    DOMAIN
  }

  public enum State {
    ALLOW,
    DENY
  }

  public ConsentRecord {
    requireNonNull(account, "account");
    requireNonNull(kind, "kind");
    requireNonNull(subject, "subject");
    requireNonNull(state, "state");
    requireNonNull(decidedAt, "decidedAt");
    requireNonNull(installation, "installation");
    requireNonNull(requestTarget, "requestTarget");
    requireNonNull(requestBody, "requestBody");
    requireNonNull(signature, "signature");
  }
}
