package org.sealpost.server;

import static java.util.Objects.requireNonNull;

/**
 * A request the server refuses, with a stable machine code and a sentence the client's user can act
 * on. The domain raises these; the HTTP layer maps {@link Kind} to a status (docs/api.md).
 */
public final class Problem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, in the terms of the request. */
  public enum Kind {
    INVALID,
    UNAUTHENTICATED,
    FORBIDDEN,
    NOT_FOUND,
    CONFLICT,
    TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    NOT_ACCEPTABLE,
    RATE_LIMITED,
    UNAVAILABLE
  }

  private final Kind kind;
  private final String code;

  public Problem(Kind kind, String code, String message) {
    super(requireNonNull(message, "message"), null, false, false);
    this.kind = requireNonNull(kind, "kind");
    this.code = requireNonNull(code, "code");
  }

  public static Problem invalid(String code, String message) {
    return new Problem(Kind.INVALID, code, message);
  }

  public Kind kind() {
    return kind;
  }

  /** A stable snake_case code, e.g. {@code invalid_bundle}. */
  public String code() {
    return code;
  }
}
