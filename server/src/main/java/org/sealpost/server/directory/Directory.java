package org.sealpost.server.directory;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.BundleVerifier;
import org.sealpost.identity.installation.InstallationId;
import org.sealpost.identity.installation.Revocation;
import org.sealpost.identity.installation.Verification;
import org.sealpost.server.Problem;
import org.sealpost.server.store.BundleDirectory;

/**
 * The installations linked to accounts homed here (PROTOCOL.md §2, §6). Every bundle and revocation
 * is checked against its wallet signature on the way in, and bundles are checked again (expiry,
 * revocation) whenever they are used: the store is never trusted for validity.
 */
public final class Directory {
  /** What {@link #publish} did with a bundle. */
  public enum Publication {
    CREATED,
    KNOWN
  }

  /** The valid bundles and revocations of an account, as §7 serves them. */
  public record AccountKeys(Account account, List<Bundle> bundles, List<Revocation> revocations) {}

  private final Domain home;
  private final BundleDirectory store;
  private final BundleVerifier verifier;
  private final int maxInstallations;
  private final Clock clock;

  public Directory(Domain home, BundleDirectory store, Clock clock, int maxInstallations) {
    this.home = requireNonNull(home, "home");
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
    this.verifier = new BundleVerifier(clock);
    this.maxInstallations = maxInstallations;
  }

  public Domain home() {
    return home;
  }

  /** Links an installation: {@code POST /v1/bundles}. */
  public Publication publish(Bundle bundle) {
    requireNonNull(bundle, "bundle");
    if (verifier.verify(bundle) instanceof Verification.Invalid invalid) {
      throw Problem.invalid("invalid_bundle", "the bundle is not valid: " + invalid);
    }
    if (!bundle.home().equals(home)) {
      throw new Problem(
          Problem.Kind.FORBIDDEN,
          "wrong_home",
          "this server is " + home + "; a bundle for home " + bundle.home() + " belongs there");
    }
    List<Revocation> revocations = store.revocationsOf(bundle.account());
    if (verifier.verify(bundle, revocations) instanceof Verification.Invalid invalid) {
      throw Problem.invalid("invalid_bundle", "the bundle is not valid: " + invalid);
    }
    if (store.find(bundle.installation()).isPresent()) {
      // Known keys: a later-expiring link of the same account renews it, anything else is a repeat.
      store.add(bundle, clock.instant());
      return Publication.KNOWN;
    }
    long active = active(store.bundlesOf(bundle.account()), revocations).size();
    if (active >= maxInstallations) {
      throw new Problem(
          Problem.Kind.CONFLICT,
          "too_many_installations",
          bundle.account()
              + " already has "
              + active
              + " linked installations (the limit here is "
              + maxInstallations
              + "); revoke one first");
    }
    return store.add(bundle, clock.instant()) ? Publication.CREATED : Publication.KNOWN;
  }

  /** Revokes an installation: {@code POST /v1/revocations}. Idempotent. */
  public void revoke(Revocation revocation) {
    requireNonNull(revocation, "revocation");
    if (verifier.verify(revocation) instanceof Verification.Invalid invalid) {
      throw Problem.invalid("invalid_revocation", "the revocation is not valid: " + invalid);
    }
    Optional<Bundle> bundle = store.find(revocation.installation());
    if (bundle.isEmpty() || !bundle.get().account().equals(revocation.account())) {
      throw new Problem(
          Problem.Kind.NOT_FOUND,
          "unknown_installation",
          "no installation "
              + revocation.installation()
              + " of "
              + revocation.account()
              + " is linked here");
    }
    store.addRevocation(revocation, clock.instant());
  }

  /** The valid keys of an account homed here (empty lists if it has none). */
  public AccountKeys keysOf(Account account) {
    requireNonNull(account, "account");
    List<Revocation> revocations =
        store.revocationsOf(account).stream().filter(r -> verifier.verify(r).isValid()).toList();
    return new AccountKeys(account, active(store.bundlesOf(account), revocations), revocations);
  }

  /** Whether any installation of {@code account} was ever linked here. */
  public boolean hosts(Account account) {
    return !store.bundlesOf(account).isEmpty();
  }

  /** The installation's bundle if it is valid and unrevoked now: who may authenticate. */
  public Optional<Bundle> activeBundle(InstallationId installation) {
    return store
        .find(installation)
        .filter(b -> verifier.verify(b, store.revocationsOf(b.account())).isValid());
  }

  private List<Bundle> active(List<Bundle> bundles, List<Revocation> revocations) {
    return bundles.stream().filter(b -> verifier.verify(b, revocations).isValid()).toList();
  }
}
