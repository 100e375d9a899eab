package org.sealpost.client;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.HexFormat;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.RequestSignature;

/** Signs requests with an installation's key, as PROTOCOL.md §7 "Installation auth" says. */
public final class InstallationAuthorizer {
  private static final HexFormat HEX = HexFormat.of();

  private final InstallationKeys keys;
  private final Clock clock;

  public InstallationAuthorizer(InstallationKeys keys, Clock clock) {
    this.keys = requireNonNull(keys, "keys");
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * The {@code Authorization} header value for a request.
   *
   * @param pathAndQuery exactly the request target that will be sent
   */
  public String authorization(String method, String pathAndQuery, byte[] body) {
    long time = clock.instant().getEpochSecond();
    return authorization(method, pathAndQuery, body, time);
  }

  /** As {@link #authorization(String, String, byte[])} at a given time (for tests of skew). */
  public String authorization(String method, String pathAndQuery, byte[] body, long time) {
    byte[] signature =
        keys.signing().sign(RequestSignature.signedMessage(method, pathAndQuery, time, body));
    return "Sealpost installation="
        + keys.id().hex()
        + ", time="
        + time
        + ", sig="
        + HEX.formatHex(signature);
  }
}
