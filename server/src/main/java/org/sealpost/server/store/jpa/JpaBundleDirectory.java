package org.sealpost.server.store.jpa;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hibernate.exception.ConstraintViolationException;
import org.sealpost.database.Database;
import org.sealpost.identity.Account;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.InstallationId;
import org.sealpost.identity.installation.Revocation;
import org.sealpost.server.store.BundleDirectory;

/**
 * {@link BundleDirectory} on the {@code bundles} and {@code revocations} tables, through
 * Hibernate's {@code StatelessSession} (one short transaction per call; nothing for a persistence
 * context to do). A bundle is renewed by a later-expiring one of the same account, and the earliest
 * revocation wins: an add looks first, and a concurrent add of the same installation that loses the
 * race on the primary key answers false. Lists are oldest first by the signed time ({@code
 * issuedAt}, {@code revokedAt}), then by installation id.
 */
public final class JpaBundleDirectory implements BundleDirectory {
  private final Database database;

  public JpaBundleDirectory(Database database) {
    this.database = requireNonNull(database, "database");
  }

  @Override
  public boolean add(Bundle bundle, Instant receivedAt) {
    requireNonNull(bundle, "bundle");
    requireNonNull(receivedAt, "receivedAt");
    BundleRow row = new BundleRow(bundle, receivedAt);
    // A renewal: the same account re-signing the same keys with a later expiry.
    return insertOrReplace(
        BundleRow.class,
        row,
        row.installation,
        stored -> stored.account.equals(row.account) && row.expiresAt.isAfter(stored.expiresAt));
  }

  @Override
  public Optional<Bundle> find(InstallationId installation) {
    requireNonNull(installation, "installation");
    return database
        .read(session -> Optional.ofNullable(session.get(BundleRow.class, installation.hex())))
        .map(BundleRow::toBundle);
  }

  @Override
  public List<Bundle> bundlesOf(Account account) {
    requireNonNull(account, "account");
    return database
        .read(
            session ->
                session
                    .createSelectionQuery(
                        "from BundleRow where account = :account order by issuedAt, installation",
                        BundleRow.class)
                    .setParameter("account", account.canonical())
                    .getResultList())
        .stream()
        .map(BundleRow::toBundle)
        .toList();
  }

  @Override
  public boolean addRevocation(Revocation revocation, Instant receivedAt) {
    requireNonNull(revocation, "revocation");
    requireNonNull(receivedAt, "receivedAt");
    RevocationRow row = new RevocationRow(revocation, receivedAt);
    // The earliest revocation wins.
    return insertOrReplace(
        RevocationRow.class,
        row,
        row.installation,
        stored -> row.revokedAt.isBefore(stored.revokedAt));
  }

  /**
   * Inserts {@code row} if no row has its key, or replaces the stored one when {@code replaces}
   * says so; true if {@code row} was stored. One transaction; a concurrent insert of the same key
   * that commits first makes this one answer false.
   */
  private <R> boolean insertOrReplace(
      Class<R> type, R row, String key, java.util.function.Predicate<R> replaces) {
    try {
      return database.write(
          session -> {
            R stored = session.get(type, key);
            if (stored == null) {
              session.insert(row);
              return true;
            }
            if (replaces.test(stored)) {
              session.update(row);
              return true;
            }
            return false;
          });
    } catch (ConstraintViolationException e) {
      return lostRace(e);
    }
  }

  @Override
  public List<Revocation> revocationsOf(Account account) {
    requireNonNull(account, "account");
    return database
        .read(
            session ->
                session
                    .createSelectionQuery(
                        "from RevocationRow where account = :account"
                            + " order by revokedAt, installation",
                        RevocationRow.class)
                    .setParameter("account", account.canonical())
                    .getResultList())
        .stream()
        .map(RevocationRow::toRevocation)
        .toList();
  }

  /** False for a concurrent add of the same key that committed first; anything else is a bug. */
  static boolean lostRace(ConstraintViolationException e) {
    if (e.getKind() != ConstraintViolationException.ConstraintKind.UNIQUE) {
      throw e;
    }
    return false;
  }
}
