package org.sealpost.identity.installation;

import static java.util.Objects.requireNonNull;

/** The outcome of checking a bundle or a revocation: valid, or invalid for a named reason. */
public sealed interface Verification {

  /** Why a bundle or revocation is not valid. Each has a stable slug for machines and logs. */
  enum Reason {
    /** No key can be recovered from the wallet signature. */
    BAD_SIGNATURE("bad-signature"),
    /** The signature recovers to another account than the one the statement names. */
    WRONG_ACCOUNT("wrong-account"),
    /** {@code expiresAt} has passed. */
    EXPIRED("expired"),
    /** {@code issuedAt} is more than the allowed skew in the future. */
    NOT_YET_VALID("not-yet-valid"),
    /** The installation id is not the one computed from the keys. */
    ID_MISMATCH("id-mismatch"),
    /** A field is missing or has the wrong shape, or the validity window is empty. */
    MALFORMED("malformed"),
    /** The installation has a valid revocation that has taken effect. */
    REVOKED("revoked");

    private final String slug;

    Reason(String slug) {
      this.slug = slug;
    }

    public String slug() {
      return slug;
    }
  }

  boolean isValid();

  static Verification valid() {
    return Valid.INSTANCE;
  }

  static Verification invalid(Reason reason, String detail) {
    return new Invalid(reason, detail);
  }

  /** Valid at the time of the check. */
  enum Valid implements Verification {
    INSTANCE;

    @Override
    public boolean isValid() {
      return true;
    }
  }

  /** Invalid; {@code detail} is a sentence a person can act on. */
  record Invalid(Reason reason, String detail) implements Verification {
    public Invalid {
      requireNonNull(reason, "reason");
      requireNonNull(detail, "detail");
    }

    @Override
    public boolean isValid() {
      return false;
    }

    /** {@code reason-slug: detail}, one line. */
    @Override
    public String toString() {
      return reason.slug() + ": " + detail;
    }
  }
}
