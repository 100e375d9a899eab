package org.sealpost.identity;

/**
 * Input that does not have the shape PROTOCOL.md requires: a bad address, hex string, time, key or
 * envelope. The message names the field and what was expected, so a user can correct it.
 */
public final class MalformedException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedException(String message) {
    super(message);
  }

  public MalformedException(String message, Throwable cause) {
    super(message, cause);
  }
}
