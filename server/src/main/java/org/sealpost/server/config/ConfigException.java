package org.sealpost.server.config;

/** A configuration value that is missing, unknown or out of range; the message names the key. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
