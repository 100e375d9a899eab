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

  /**
   * Adds {@code bundle}, or renews the stored bundle of its installation when this one names the
   * same account and expires later (a wallet re-signing the link of the same keys). True if it was
   * stored.
   */
  boolean add(Bundle bundle, Instant receivedAt);

  Optional<Bundle> find(InstallationId installation);

  /** Every bundle of {@code account}, valid or not, oldest first. */
  List<Bundle> bundlesOf(Account account);

  /**
   * Adds {@code revocation}, or replaces the stored revocation of its installation when this one
   * takes effect earlier: the earliest revocation wins. True if it was stored.
   */
  boolean addRevocation(Revocation revocation, Instant receivedAt);

  /** Every revocation of {@code account}'s installations. */
  List<Revocation> revocationsOf(Account account);
}
