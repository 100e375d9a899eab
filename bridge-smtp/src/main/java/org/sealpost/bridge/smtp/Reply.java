package org.sealpost.bridge.smtp;

import static java.util.Objects.requireNonNull;

import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;

/**
 * An SMTP refusal: the reply code (RFC 5321 §4.2), the enhanced status code (RFC 3463) and a
 * sentence the user can act on. A 4xx code is temporary (the client retries), a 5xx permanent.
 */
record Reply(String code, String status, String text) {
  Reply {
    requireNonNull(code, "code");
    requireNonNull(status, "status");
    requireNonNull(text, "text");
    if (!code.matches("[45]\\d\\d") || status.charAt(0) != code.charAt(0)) {
      throw new IllegalArgumentException(
          "reply: " + code + " " + status + " (expected: a 4xx or 5xx code and a matching status)");
    }
  }

  boolean isTemporary() {
    return code.startsWith("4");
  }

  /** The one line an SMTP client sees after the code, e.g. {@code 5.1.1 unknown account}. */
  String line() {
    return status + " " + text.replaceAll("[\\r\\n]+", " ");
  }

  @Override
  public String toString() {
    return code + " " + line();
  }

  HookResult hookResult() {
    return HookResult.builder()
        .hookReturnCode(isTemporary() ? HookReturnCode.denySoft() : HookReturnCode.deny())
        .smtpReturnCode(code)
        .smtpDescription(line())
        .build();
  }
}
