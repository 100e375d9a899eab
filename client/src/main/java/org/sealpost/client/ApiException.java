package org.sealpost.client;

/**
 * The server refused a request: its HTTP status, the stable error code and the server's message
 * (PROTOCOL.md §7 error shape), or a transport failure (status 0, code {@code unreachable}).
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  public ApiException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public ApiException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
    this.code = "unreachable";
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  @Override
  public String toString() {
    return "ApiException[" + status + " " + code + ": " + getMessage() + "]";
  }
}
