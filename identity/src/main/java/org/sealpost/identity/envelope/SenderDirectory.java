package org.sealpost.identity.envelope;

import java.util.List;
import java.util.Optional;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.InstallationId;
import org.sealpost.identity.installation.Revocation;
import org.sealpost.identity.installation.SigningPublicKey;

/**
 * Where {@link EnvelopeOpener} finds the keys that vouch for a sender (PROTOCOL.md §3.2, §6). The
 * caller supplies it: a bridge asks its home server, the command line reads files. Nothing it
 * returns is trusted: bundles and revocations are verified against their wallet signatures before
 * use.
 *
 * <p>Implementations MAY block for I/O. They MUST NOT throw for a sender they do not know: return
 * empty instead.
 */
public interface SenderDirectory {

  /** The bundle {@code sender} published for {@code installation}, if any; MAY be invalid. */
  Optional<Bundle> bundle(Account sender, InstallationId installation);

  /** Revocations published by {@code sender}; the default knows none. */
  default List<Revocation> revocations(Account sender) {
    return List.of();
  }

  /** The server key of the gateway at {@code domain} (§4, §5), if known and trusted. */
  default Optional<SigningPublicKey> gatewayKey(Domain domain) {
    return Optional.empty();
  }
}
