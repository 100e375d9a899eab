package org.sealpost.bridge.imap;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.apache.james.core.Username;
import org.apache.james.mailbox.inmemory.InMemoryId;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UidValidity;

/** A row of {@code imap_mailboxes}: one folder and the counters its UIDs and modseqs come from. */
@Entity
@Table(name = "imap_mailboxes")
final class MailboxRow {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  @Column(name = "id")
  Long id;

  @Column(name = "owner", nullable = false)
  String owner;

  @Column(name = "namespace", nullable = false)
  String namespace;

  @Column(name = "name", nullable = false)
  String name;

  @Column(name = "uid_validity", nullable = false)
  long uidValidity;

  @Column(name = "last_uid", nullable = false)
  long lastUid;

  @Column(name = "highest_modseq", nullable = false)
  long highestModseq;

  MailboxRow() {}

  MailboxRow(MailboxPath path, UidValidity uidValidity) {
    this.owner = path.getUser().asString();
    this.namespace = path.getNamespace();
    this.name = path.getName();
    this.uidValidity = uidValidity.asLong();
  }

  Mailbox toMailbox() {
    return new Mailbox(
        new MailboxPath(namespace, Username.of(owner), name),
        UidValidity.of(uidValidity),
        InMemoryId.of(id));
  }
}
