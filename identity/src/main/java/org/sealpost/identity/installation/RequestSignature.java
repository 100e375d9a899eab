package org.sealpost.identity.installation;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * What an installation signs to authenticate an API request (PROTOCOL.md §7, "Installation auth"):
 * {@code ascii("sealpost-v1-auth\n" + METHOD + "\n" + path-and-query + "\n" + time + "\n") ||
 * hex(SHA-256(body))}, hex lowercase.
 */
public final class RequestSignature {
  private RequestSignature() {}

  /**
   * @param pathAndQuery the request target exactly as sent on the wire (not decoded)
   * @param time Unix seconds
   */
  public static byte[] signedMessage(String method, String pathAndQuery, long time, byte[] body) {
    requireNonNull(method, "method");
    requireNonNull(pathAndQuery, "pathAndQuery");
    requireNonNull(body, "body");
    SHA256Digest sha256 = new SHA256Digest();
    sha256.update(body, 0, body.length);
    byte[] digest = new byte[sha256.getDigestSize()];
    sha256.doFinal(digest, 0);
    String text =
        "sealpost-v1-auth\n"
            + method
            + "\n"
            + pathAndQuery
            + "\n"
            + time
            + "\n"
            + HexFormat.of().formatHex(digest);
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
