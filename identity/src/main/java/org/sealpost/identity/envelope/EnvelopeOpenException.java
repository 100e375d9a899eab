package org.sealpost.identity.envelope;

import static java.util.Objects.requireNonNull;

/** An envelope that this installation cannot decrypt, for a stated reason (PROTOCOL.md §3.2). */
public final class EnvelopeOpenException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why an envelope cannot be opened. Each has a stable slug for machines and logs. */
  public enum Reason {
    /** The envelope's recipient is another account. */
    NOT_FOR_THIS_ACCOUNT("not-for-this-account"),
    /** No key wrap names this installation: it was sealed before the link, or after revocation. */
    NO_WRAP("no-wrap"),
    /** HPKE or AES-GCM authentication failed: the envelope was altered or is not for these keys. */
    DECRYPTION_FAILED("decryption-failed"),
    /** The decrypted content is not a well-formed {@code Sealed} message. */
    MALFORMED("malformed");

    private final String slug;

    Reason(String slug) {
      this.slug = slug;
    }

    public String slug() {
      return slug;
    }
  }

  private final Reason reason;

  public EnvelopeOpenException(Reason reason, String detail) {
    super(requireNonNull(reason, "reason").slug() + ": " + requireNonNull(detail, "detail"));
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
