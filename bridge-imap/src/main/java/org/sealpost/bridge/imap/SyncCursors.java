package org.sealpost.bridge.imap;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.apache.james.core.Username;
import org.apache.james.mailbox.exception.MailboxException;

/** Where each account's inbox sync stopped ({@code imap_sync_cursors}), to resume there. */
final class SyncCursors {
  private final BridgeDatabase database;
  private final Clock clock;

  SyncCursors(BridgeDatabase database, Clock clock) {
    this.database = requireNonNull(database, "database");
    this.clock = requireNonNull(clock, "clock");
  }

  /** The cursor after the last envelope placed for {@code owner}; empty before the first. */
  Optional<String> of(Username owner) throws MailboxException {
    return Optional.ofNullable(
            database.read(session -> session.get(SyncCursorRow.class, owner.asString())))
        .map(row -> row.cursor);
  }

  void save(Username owner, String cursor) throws MailboxException {
    SyncCursorRow row =
        new SyncCursorRow(owner.asString(), cursor, clock.instant().truncatedTo(ChronoUnit.MICROS));
    database.write(
        session -> {
          if (session.get(SyncCursorRow.class, row.owner) == null) {
            session.insert(row);
          } else {
            session.update(row);
          }
          return row;
        });
  }
}
