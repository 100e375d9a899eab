package org.sealpost.bridge;

import static java.util.Objects.requireNonNull;

import org.sealpost.identity.MailAddress;

/**
 * An account whose inbox this bridge serves: its installation (keys locked under the bridge
 * password) and the password's hash. Nothing here is readable without the password.
 */
public record BridgeAccount(
    MailAddress mail, LockedInstallation installation, String passwordHash) {
  public BridgeAccount {
    requireNonNull(mail, "mail");
    requireNonNull(installation, "installation");
    requireNonNull(passwordHash, "passwordHash");
  }
}
