package org.sealpost.bridge.smtp;

import org.sealpost.identity.envelope.Author;
import org.sealpost.identity.envelope.Envelope;

/**
 * What the inbound gateway needs from the home server it runs beside (PROTOCOL.md §5): the server's
 * own key to sign gateway mail with, and a way to store an envelope for an account homed there. The
 * composition root implements it from the running home server.
 *
 * <p>Implementations MUST be thread-safe. {@link #deposit} MUST have committed the envelope durably
 * when it returns normally, as {@code POST /v1/envelopes} does before its 202: the gateway answers
 * 250 to the sending mail server right after.
 */
public interface GatewayDeposit {

  /** The gateway author: this server's domain and its server key (§4). */
  Author.Gateway author();

  /**
   * Stores {@code envelope} in the inbox of its recipient, an account homed here.
   *
   * @throws DepositException if it was not stored (the gateway answers 451 and the sending server
   *     retries)
   */
  void deposit(Envelope envelope) throws DepositException;

  /** An envelope the home server did not store, with the reason. */
  final class DepositException extends Exception {
    private static final long serialVersionUID = 1L;

    public DepositException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
