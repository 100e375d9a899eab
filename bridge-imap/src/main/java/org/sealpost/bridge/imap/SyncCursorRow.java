package org.sealpost.bridge.imap;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A row of {@code imap_sync_cursors}: where an owner's inbox sync stopped on the home server. */
@Entity
@Table(name = "imap_sync_cursors")
final class SyncCursorRow {
  @Id
  @Column(name = "owner")
  String owner;

  @Column(name = "inbox_cursor", nullable = false)
  String cursor;

  @Column(name = "updated_at", nullable = false)
  Instant updatedAt;

  SyncCursorRow() {}

  SyncCursorRow(String owner, String cursor, Instant updatedAt) {
    this.owner = owner;
    this.cursor = cursor;
    this.updatedAt = updatedAt;
  }
}
