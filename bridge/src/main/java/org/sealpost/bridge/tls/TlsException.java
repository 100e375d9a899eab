package org.sealpost.bridge.tls;

/**
 * The bridges' certificate or key cannot be used: a missing, unreadable, malformed or mismatched
 * file, or a wrong passphrase. The message is one line naming the file and what to do.
 */
public final class TlsException extends Exception {
  private static final long serialVersionUID = 1L;

  TlsException(String message) {
    super(message);
  }

  TlsException(String message, Throwable cause) {
    super(message, cause);
  }
}
