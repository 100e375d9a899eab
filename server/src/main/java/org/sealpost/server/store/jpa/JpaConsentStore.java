package org.sealpost.server.store.jpa;

import static java.util.Objects.requireNonNull;

import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.sealpost.database.Database;
import org.sealpost.identity.Account;
import org.sealpost.server.store.ConsentRecord;
import org.sealpost.server.store.ConsentStore;

/**
 * {@link ConsentStore} on the {@code consent} table, through Hibernate's {@code StatelessSession}
 * (one short transaction per call).
 *
 * <p>A {@link #put} reads the current decision and then inserts or updates, so two puts of one key
 * run one at a time ({@link Database#writeExclusive}); otherwise both could see no row and one
 * would fail on the primary key, or an older decision could overwrite a newer one. Decision times
 * are kept to the microsecond, the precision both databases store; {@link #put} returns them so.
 */
public final class JpaConsentStore implements ConsentStore {
  /** The port's order: kind as declared (senders, then domains), then subject as Java orders it. */
  private static final Comparator<ConsentRecord> ORDER =
      Comparator.comparing(ConsentRecord::kind).thenComparing(ConsentRecord::subject);

  private final Database database;

  public JpaConsentStore(Database database) {
    this.database = requireNonNull(database, "database");
  }

  @Override
  public ConsentRecord put(ConsentRecord record) {
    requireNonNull(record, "record");
    ConsentRecord wanted = atStoredPrecision(record);
    ConsentRow.Key key = ConsentRow.Key.of(wanted.account(), wanted.kind(), wanted.subject());
    return database.writeExclusive(
        ServerDatabase.CONSENT,
        // Spelled out, not a record's hashCode: every server sharing the database must agree.
        Objects.hash(key.account(), key.kind(), key.subject()),
        session -> {
          ConsentRow row = session.get(ConsentRow.class, key);
          if (row == null) {
            session.insert(new ConsentRow(wanted));
            return wanted;
          }
          if (row.decidedAt.isAfter(wanted.decidedAt())) {
            return row.toRecord();
          }
          row.set(wanted);
          session.update(row);
          return wanted;
        });
  }

  @Override
  public Optional<ConsentRecord> find(Account account, ConsentRecord.Kind kind, String subject) {
    requireNonNull(account, "account");
    requireNonNull(kind, "kind");
    requireNonNull(subject, "subject");
    return database
        .read(
            session ->
                Optional.ofNullable(
                    session.get(ConsentRow.class, ConsentRow.Key.of(account, kind, subject))))
        .map(ConsentRow::toRecord);
  }

  @Override
  public List<ConsentRecord> list(Account account) {
    requireNonNull(account, "account");
    // Sorted here, not in SQL: a database collation may order subjects differently.
    return database
        .read(
            session ->
                session
                    .createSelectionQuery(
                        "from ConsentRow where id.account = :account", ConsentRow.class)
                    .setParameter("account", account.canonical())
                    .getResultList())
        .stream()
        .map(ConsentRow::toRecord)
        .sorted(ORDER)
        .toList();
  }

  private static ConsentRecord atStoredPrecision(ConsentRecord record) {
    return new ConsentRecord(
        record.account(),
        record.kind(),
        record.subject(),
        record.state(),
        record.decidedAt().truncatedTo(ChronoUnit.MICROS),
        record.installation(),
        record.requestTarget(),
        record.requestTime(),
        record.requestBody(),
        record.signature());
  }
}
