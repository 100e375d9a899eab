package org.sealpost.bridge.imap;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import javax.mail.Flags;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.inmemory.InMemoryId;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.ThreadId;

/**
 * A row of {@code imap_messages}: one message of one folder, pointing at its envelope. Flags are
 * six booleans and the keywords as one space-separated, sorted string.
 */
@Entity
@Table(name = "imap_messages")
@IdClass(MessageRow.Key.class)
final class MessageRow {
  /** The primary key, {@code (mailbox_id, uid)}. */
  static final class Key implements Serializable {
    Long mailboxId;
    Long uid;

    Key() {}

    Key(long mailboxId, long uid) {
      this.mailboxId = mailboxId;
      this.uid = uid;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && Objects.equals(mailboxId, k.mailboxId)
          && Objects.equals(uid, k.uid);
    }

    @Override
    public int hashCode() {
      return Objects.hash(mailboxId, uid);
    }
  }

  @Id
  @Column(name = "mailbox_id")
  Long mailboxId;

  @Id
  @Column(name = "uid")
  Long uid;

  @Column(name = "modseq", nullable = false)
  long modseq;

  @Column(name = "owner", nullable = false)
  String owner;

  @Column(name = "envelope_id", nullable = false)
  String envelopeId;

  @Column(name = "message_id", nullable = false)
  String messageId;

  @Column(name = "internal_date", nullable = false)
  Instant internalDate;

  @Column(name = "save_date", nullable = false)
  Instant saveDate;

  @Column(name = "size", nullable = false)
  long size;

  @Column(name = "answered", nullable = false)
  boolean answered;

  @Column(name = "deleted", nullable = false)
  boolean deleted;

  @Column(name = "draft", nullable = false)
  boolean draft;

  @Column(name = "flagged", nullable = false)
  boolean flagged;

  @Column(name = "recent", nullable = false)
  boolean recent;

  @Column(name = "seen", nullable = false)
  boolean seen;

  @Column(name = "user_flags", nullable = false)
  String userFlags;

  MessageRow() {}

  /** A row for {@code message} in {@code mailboxId} at {@code uid}/{@code modseq}. */
  static MessageRow of(
      EnvelopeMessage message, long mailboxId, long uid, long modseq, Instant now) {
    MessageRow row = new MessageRow();
    row.mailboxId = mailboxId;
    row.uid = uid;
    row.modseq = modseq;
    row.owner = message.owner().asString();
    row.envelopeId = message.key();
    row.messageId = message.getMessageId().serialize();
    row.internalDate = message.getInternalDate().toInstant();
    row.saveDate = now;
    row.size = message.getFullContentOctets();
    row.setFlags(message.createFlags());
    return row;
  }

  /** The same envelope in another folder, with its own UID and modseq. */
  MessageRow copyTo(long mailbox, long newUid, long newModseq, Flags newFlags, Instant now) {
    MessageRow row = new MessageRow();
    row.mailboxId = mailbox;
    row.uid = newUid;
    row.modseq = newModseq;
    row.owner = owner;
    row.envelopeId = envelopeId;
    row.messageId = messageId;
    row.internalDate = internalDate;
    row.saveDate = now;
    row.size = size;
    row.setFlags(newFlags);
    return row;
  }

  Flags flags() {
    Flags flags = new Flags();
    if (answered) {
      flags.add(Flags.Flag.ANSWERED);
    }
    if (deleted) {
      flags.add(Flags.Flag.DELETED);
    }
    if (draft) {
      flags.add(Flags.Flag.DRAFT);
    }
    if (flagged) {
      flags.add(Flags.Flag.FLAGGED);
    }
    if (recent) {
      flags.add(Flags.Flag.RECENT);
    }
    if (seen) {
      flags.add(Flags.Flag.SEEN);
    }
    for (String keyword : userFlags.split(" ")) {
      if (!keyword.isEmpty()) {
        flags.add(keyword);
      }
    }
    return flags;
  }

  void setFlags(Flags flags) {
    answered = flags.contains(Flags.Flag.ANSWERED);
    deleted = flags.contains(Flags.Flag.DELETED);
    draft = flags.contains(Flags.Flag.DRAFT);
    flagged = flags.contains(Flags.Flag.FLAGGED);
    recent = flags.contains(Flags.Flag.RECENT);
    seen = flags.contains(Flags.Flag.SEEN);
    userFlags = String.join(" ", new TreeSet<>(Arrays.asList(flags.getUserFlags())));
  }

  MessageMetaData metaData() {
    SealpostMessageId id = new SealpostMessageId(messageId);
    return new MessageMetaData(
        MessageUid.of(uid),
        ModSeq.of(modseq),
        flags(),
        size,
        Date.from(internalDate),
        Optional.of(Date.from(saveDate)),
        id,
        ThreadId.fromBaseMessageId(id));
  }

  EnvelopeMessage toMessage(MessageContents contents) {
    EnvelopeMessage message =
        new EnvelopeMessage(
            contents,
            Username.of(owner),
            envelopeId,
            new SealpostMessageId(messageId),
            InMemoryId.of(mailboxId),
            Date.from(internalDate),
            size,
            flags());
    message.setUid(MessageUid.of(uid));
    message.setModSeq(ModSeq.of(modseq));
    message.setSaveDate(Date.from(saveDate));
    return message;
  }
}
