package org.sealpost.bridge.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The bridges' one rule for passwords without TLS (docs/adr/0006-bridge-tls.md): a listener may
 * take a login in clear only when it is bound to a loopback address, where nothing but this machine
 * can connect; anywhere else LOGIN/AUTH waits for STARTTLS.
 */
public final class PlainLogin {
  private PlainLogin() {}

  /** Whether a listener bound to {@code host} may take passwords without TLS. */
  public static boolean allowedOn(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false; // a name that does not resolve is not known to be this machine
    }
  }
}
