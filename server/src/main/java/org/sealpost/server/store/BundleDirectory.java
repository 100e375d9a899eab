package org.sealpost.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.sealpost.identity.Account;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.InstallationId;
import org.sealpost.identity.installation.Revocation;

/**
 * Bundles and revocations published to this server. Storage only: callers verify wallet signatures
 * before adding and again before trusting what they read (validity depends on time).
 *
 * <p>Implementations MUST be thread-safe and MUST commit before returning from an {@code add}.
 */
public interface BundleDirectory {

  /** Adds {@code bundle} unless its installation is known; true if it was added. */
  boolean add(Bundle bundle, Instant receivedAt);

  Optional<Bundle> find(InstallationId installation);

  /** Every bundle of {@code account}, valid or not, oldest first. */
  List<Bundle> bundlesOf(Account account);

  /** Adds {@code revocation} unless that installation already has one; true if it was added. */
  boolean addRevocation(Revocation revocation, Instant receivedAt);

  /** Every revocation of {@code account}'s installations. */
  List<Revocation> revocationsOf(Account account);
}
