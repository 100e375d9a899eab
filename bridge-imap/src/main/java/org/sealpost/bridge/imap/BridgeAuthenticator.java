package org.sealpost.bridge.imap;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.james.core.Username;
import org.apache.james.mailbox.Authenticator;
import org.sealpost.bridge.BridgeAccount;
import org.sealpost.bridge.BridgeLogin;
import org.sealpost.identity.installation.InstallationKeys;
import org.slf4j.MDC;

/**
 * LOGIN and AUTHENTICATE PLAIN for James, through the login both bridges share ({@link
 * BridgeLogin}: the mail address or bare account, the bridge password, failed logins limited). The
 * first login of an account after a start unlocks its keys; the bridge is told once, before the
 * login is answered, so the folders exist and the sync runs when the client goes on.
 */
final class BridgeAuthenticator implements Authenticator {
  /** Told once per account when its keys are unlocked. */
  interface UnlockListener {
    void unlocked(Username user, BridgeAccount account, InstallationKeys keys);
  }

  private final BridgeLogin login;
  private final UnlockListener listener;
  private final Map<Username, Boolean> told = new ConcurrentHashMap<>();
  private final Map<Username, Object> locks = new ConcurrentHashMap<>();

  BridgeAuthenticator(BridgeLogin login, UnlockListener listener) {
    this.login = requireNonNull(login, "login");
    this.listener = requireNonNull(listener, "listener");
  }

  /** The one James user name of an account, whatever the client typed. */
  Username canonical(Username user) {
    return login.account(user.asString()).map(a -> Username.of(a.mail().toString())).orElse(user);
  }

  @Override
  public boolean isAuthentic(Username user, CharSequence password) {
    char[] chars = new char[password.length()];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = password.charAt(i);
    }
    try {
      String client = Optional.ofNullable(MDC.get("ip")).orElse("?");
      if (!(login.login(user.asString(), chars, client) instanceof BridgeLogin.Unlocked unlocked)) {
        return false;
      }
      if (!told.containsKey(user)) {
        synchronized (locks.computeIfAbsent(user, any -> new Object())) {
          if (!told.containsKey(user)) {
            listener.unlocked(user, unlocked.account(), unlocked.keys());
            told.put(user, Boolean.TRUE);
          }
        }
      }
      return true;
    } finally {
      Arrays.fill(chars, '\0');
    }
  }
}
