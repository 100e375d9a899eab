package org.sealpost.identity.envelope;

import static java.util.Objects.requireNonNull;

import org.sealpost.identity.Domain;
import org.sealpost.identity.MailAddress;
import org.sealpost.identity.installation.InstallationId;

/**
 * Who an opened envelope is from, as far as signatures prove it (PROTOCOL.md §3.2, §5). A message
 * whose check is {@link Unverified} must never be shown as coming from its claimed sender.
 */
public sealed interface SenderCheck {

  /** Signed by an installation with a valid bundle of {@code sender}. */
  record Verified(MailAddress sender, InstallationId installation) implements SenderCheck {
    public Verified {
      requireNonNull(sender, "sender");
      requireNonNull(installation, "installation");
    }
  }

  /**
   * Signed by the mail gateway of {@code domain} (§5): the gateway is proven, the SMTP sender is
   * not. External, unverified mail.
   */
  record Gateway(Domain domain) implements SenderCheck {
    public Gateway {
      requireNonNull(domain, "domain");
    }
  }

  /** Why the signature could not be tied to a sender. */
  enum Failure {
    /** No bundle (or gateway key) could be found for the claimed sender. */
    SENDER_UNKNOWN("sender-unknown"),
    /** The sender's bundle is invalid (expired, revoked, badly signed...). */
    SENDER_BUNDLE_INVALID("sender-bundle-invalid"),
    /** The bundle found belongs to another account or installation than the one claimed. */
    SENDER_MISMATCH("sender-mismatch"),
    /** The Ed25519 signature does not verify: the message was altered or forged. */
    BAD_SIGNATURE("bad-signature");

    private final String slug;

    Failure(String slug) {
      this.slug = slug;
    }

    public String slug() {
      return slug;
    }
  }

  /** Not proven. {@code claimed} is what the envelope says, for display as a warning only. */
  record Unverified(Failure failure, String detail, String claimed) implements SenderCheck {
    public Unverified {
      requireNonNull(failure, "failure");
      requireNonNull(detail, "detail");
      requireNonNull(claimed, "claimed");
    }

    @Override
    public String toString() {
      return failure.slug() + ": " + detail;
    }
  }
}
