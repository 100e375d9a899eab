package org.sealpost.cli;

/**
 * A failure the user can fix (a wrong flag value, a missing file, a signature by the wrong wallet).
 * Printed as one line on stderr, never with a stack trace.
 */
final class UserError extends Exception {
  private static final long serialVersionUID = 1L;

  UserError(String message) {
    super(message);
  }
}
