package org.sealpost.server.http;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.InstallationId;
import org.sealpost.identity.installation.RequestSignature;
import org.sealpost.server.Problem;
import org.sealpost.server.directory.Directory;

/**
 * Installation auth of PROTOCOL.md §7: {@code Authorization: Sealpost installation=<id>, time=<unix
 * seconds>, sig=<hex>}, an Ed25519 signature by the installation's key over the method,
 * path-and-query, time and body hash. Accepted only for an installation with a valid, unrevoked
 * bundle here, and a time within the allowed clock skew.
 */
final class InstallationAuth {
  static final String SCHEME = "Sealpost";
  private static final Pattern PARAMETER = Pattern.compile("\\s*([a-z]+)=([^,\\s]*)\\s*");
  private static final HexFormat HEX = HexFormat.of();

  /** Who made an authenticated request, and the signed parts that prove it. */
  record Caller(Bundle bundle, long time, byte[] signature) {}

  private final Directory directory;
  private final Clock clock;
  private final Duration skew;

  InstallationAuth(Directory directory, Clock clock, Duration skew) {
    this.directory = requireNonNull(directory, "directory");
    this.clock = requireNonNull(clock, "clock");
    this.skew = requireNonNull(skew, "skew");
  }

  /**
   * Checks a request's Authorization header.
   *
   * @param pathAndQuery the request target exactly as sent (not decoded)
   * @throws Problem UNAUTHENTICATED naming what is wrong
   */
  Caller authenticate(String header, String method, String pathAndQuery, byte[] body) {
    if (header == null || header.isBlank()) {
      throw unauthenticated(
          "missing_auth",
          "this endpoint needs installation auth: Authorization: Sealpost installation=<id>,"
              + " time=<unix seconds>, sig=<hex> (docs/api.md)");
    }
    if (!header.startsWith(SCHEME + " ")) {
      throw unauthenticated("bad_auth", "the Authorization scheme must be '" + SCHEME + "'");
    }
    Map<String, String> parameters = new HashMap<>();
    for (String part : header.substring(SCHEME.length() + 1).split(",")) {
      var matcher = PARAMETER.matcher(part);
      if (!matcher.matches() || parameters.put(matcher.group(1), matcher.group(2)) != null) {
        throw unauthenticated(
            "bad_auth", "malformed Authorization parameter '" + part.strip() + "'");
      }
    }
    InstallationId installation;
    long time;
    byte[] signature;
    try {
      installation = InstallationId.parse("installation", require(parameters, "installation"));
      time = Long.parseLong(require(parameters, "time"));
      signature = HEX.parseHex(require(parameters, "sig"));
    } catch (MalformedException | IllegalArgumentException e) {
      throw unauthenticated("bad_auth", "malformed Authorization header: " + e.getMessage());
    }
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - time) > skew.toSeconds()) {
      throw unauthenticated(
          "clock_skew",
          "auth time "
              + time
              + " is more than "
              + skew.toSeconds()
              + " s from the server's clock ("
              + now
              + "); check the client's clock");
    }
    Bundle bundle =
        directory
            .activeBundle(installation)
            .orElseThrow(
                () ->
                    unauthenticated(
                        "unknown_installation",
                        "installation "
                            + installation
                            + " has no valid bundle here (never linked, expired or revoked)"));
    if (!bundle
        .signingKey()
        .verify(RequestSignature.signedMessage(method, pathAndQuery, time, body), signature)) {
      throw unauthenticated(
          "bad_signature",
          "the auth signature does not verify: sign METHOD, path-and-query, time and the SHA-256"
              + " of the exact body (PROTOCOL.md §7)");
    }
    return new Caller(bundle, time, signature);
  }

  private static String require(Map<String, String> parameters, String name)
      throws MalformedException {
    String value = parameters.get(name);
    if (value == null || value.isEmpty()) {
      throw new MalformedException("'" + name + "' is missing");
    }
    return value;
  }

  private static Problem unauthenticated(String code, String message) {
    return new Problem(Problem.Kind.UNAUTHENTICATED, code, message);
  }
}
