package org.sealpost.cli;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import javax.net.ssl.SSLException;
import org.sealpost.client.ApiException;
import org.sealpost.client.SealpostClient;

/**
 * Asks a remote home server who it is ({@code /.well-known/sealpost}, PROTOCOL.md §4) before a
 * bridge relies on it, and turns each way that can fail into one line the user can act on.
 */
final class HomeServerLookup {
  private HomeServerLookup() {}

  static SealpostClient.ServerInfo serverInfo(URI server, Clock clock) throws UserError {
    String scheme = server.getScheme();
    if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
        || server.getHost() == null) {
      throw new UserError(
          "--server " + server + ": expected the home server's http:// or https:// URL");
    }
    try {
      return new SealpostClient(server, clock).serverInfo();
    } catch (ApiException e) {
      if (e.status() == 0) {
        throw new UserError(
            "cannot reach the home server at "
                + server
                + " ("
                + reason(server, e)
                + "); is it running and is the URL right?");
      }
      throw notSealpost(
          server,
          e.status() == 200 ? e.getMessage() : "/.well-known/sealpost answered HTTP " + e.status());
    } catch (UncheckedIOException notJson) {
      throw notSealpost(server, "/.well-known/sealpost is not JSON");
    }
  }

  /** Why the connection failed, in words: the JDK's own messages are often empty. */
  private static String reason(URI server, ApiException e) {
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException) {
        return "unknown host " + server.getHost();
      }
      if (cause instanceof HttpTimeoutException) {
        return "timed out";
      }
      if (cause instanceof SSLException) {
        return "TLS failed: " + cause.getMessage();
      }
    }
    Throwable cause = e.getCause();
    if (cause instanceof ConnectException) {
      return "connection refused";
    }
    return cause != null && cause.getMessage() != null ? cause.getMessage() : e.getMessage();
  }

  private static UserError notSealpost(URI server, String why) {
    return new UserError(server + " is not a Sealpost home server: " + why);
  }
}
