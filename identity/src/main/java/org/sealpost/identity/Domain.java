package org.sealpost.identity;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.regex.Pattern;

/** A home server's domain name, lowercase (PROTOCOL.md §1, §2.1). */
public final class Domain {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private final String name;

  private Domain(String name) {
    this.name = name;
  }

  /** Parses a DNS host name (letters, digits, hyphens, dot-separated labels); case is folded. */
  public static Domain parse(String text) throws MalformedException {
    requireNonNull(text, "text");
    String name = text.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    if (name.isEmpty() || name.length() > 253) {
      throw new MalformedException(
          "domain: '" + Account.abbreviate(text) + "' (expected: a host name such as example.org)");
    }
    for (String label : name.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        throw new MalformedException(
            "domain: '"
                + Account.abbreviate(text)
                + "' (expected: a host name such as example.org; labels of letters, digits and"
                + " hyphens)");
      }
    }
    return new Domain(name);
  }

  public String name() {
    return name;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Domain that && name.equals(that.name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
