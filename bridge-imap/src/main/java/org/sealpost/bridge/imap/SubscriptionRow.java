package org.sealpost.bridge.imap;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** A row of {@code imap_subscriptions}: one subscribed folder name of one owner. */
@Entity
@Table(name = "imap_subscriptions")
@IdClass(SubscriptionRow.Key.class)
final class SubscriptionRow {
  /** The primary key, {@code (owner, mailbox)}. */
  static final class Key implements Serializable {
    String owner;
    String mailbox;

    Key() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && Objects.equals(owner, k.owner)
          && Objects.equals(mailbox, k.mailbox);
    }

    @Override
    public int hashCode() {
      return Objects.hash(owner, mailbox);
    }
  }

  @Id
  @Column(name = "owner")
  String owner;

  @Id
  @Column(name = "mailbox")
  String mailbox;

  SubscriptionRow() {}

  SubscriptionRow(String owner, String mailbox) {
    this.owner = owner;
    this.mailbox = mailbox;
  }
}
