package org.sealpost.identity;

import static java.util.Objects.requireNonNull;

/** {@code <account>@<home-domain>}: an account at its home server (PROTOCOL.md §1). */
public record MailAddress(Account account, Domain home) {
  public MailAddress {
    requireNonNull(account, "account");
    requireNonNull(home, "home");
  }

  public static MailAddress of(Account account, Domain home) {
    return new MailAddress(account, home);
  }

  /** Parses {@code 0x…@domain}; the account part follows {@link Account#parse}. */
  public static MailAddress parse(String text) throws MalformedException {
    requireNonNull(text, "text");
    int at = text.lastIndexOf('@');
    if (at < 0) {
      throw new MalformedException(
          "mail address: '"
              + Account.abbreviate(text)
              + "' (expected: <account>@<domain>, e.g. 0x…@example.org)");
    }
    return new MailAddress(
        Account.parse(text.substring(0, at)), Domain.parse(text.substring(at + 1)));
  }

  @Override
  public String toString() {
    return account.canonical() + "@" + home.name();
  }
}
