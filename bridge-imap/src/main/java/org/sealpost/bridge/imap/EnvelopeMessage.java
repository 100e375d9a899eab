package org.sealpost.bridge.imap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.mail.Flags;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.model.ComposedMessageId;
import org.apache.james.mailbox.model.ComposedMessageIdWithMetaData;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageAttachmentMetadata;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.mail.model.FlagsFactory;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.impl.Properties;

/**
 * A message row: metadata held eagerly, content opened from its envelope only when James reads it
 * (FLAGS, UID, sizes, dates and modseqs never open anything).
 */
final class EnvelopeMessage implements MailboxMessage {
  private final MessageContents contents;
  private final Username owner;
  private final String key;
  private final MessageId messageId;
  private final MailboxId mailboxId;
  private final Date internalDate;
  private final long size;
  private MessageUid uid;
  private ModSeq modSeq;
  private Flags flags;
  private Optional<Date> saveDate = Optional.empty();
  private volatile MimeSummary summary;

  EnvelopeMessage(
      MessageContents contents,
      Username owner,
      String key,
      MessageId messageId,
      MailboxId mailboxId,
      Date internalDate,
      long size,
      Flags flags) {
    this.contents = contents;
    this.owner = owner;
    this.key = key;
    this.messageId = messageId;
    this.mailboxId = mailboxId;
    this.internalDate = internalDate;
    this.size = size;
    this.flags = new Flags(flags);
  }

  EnvelopeMessage copyTo(MailboxId target) {
    EnvelopeMessage copy =
        new EnvelopeMessage(
            contents, owner, key, messageId, target, internalDate, size, createFlags());
    copy.summary = summary;
    return copy;
  }

  String key() {
    return key;
  }

  Username owner() {
    return owner;
  }

  private byte[] raw() {
    byte[] raw;
    try {
      raw = contents.open(owner, key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (raw.length != size) {
      // The size is the IMAP literal length: a mismatch would corrupt the protocol stream.
      throw new IllegalStateException(
          "message " + key + " opened to " + raw.length + " bytes, expected " + size);
    }
    return raw;
  }

  private MimeSummary summary() {
    MimeSummary known = summary;
    if (known == null) {
      try {
        known = MimeSummary.of(raw());
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("cannot parse message " + key, e);
      }
      summary = known;
    }
    return known;
  }

  @Override
  public MessageId getMessageId() {
    return messageId;
  }

  @Override
  public Date getInternalDate() {
    return internalDate;
  }

  @Override
  public InputStream getFullContent() {
    return new ByteArrayInputStream(raw());
  }

  @Override
  public InputStream getHeaderContent() {
    byte[] raw = raw();
    return new ByteArrayInputStream(raw, 0, summary().bodyStart());
  }

  @Override
  public InputStream getBodyContent() {
    byte[] raw = raw();
    int start = summary().bodyStart();
    return new ByteArrayInputStream(raw, start, raw.length - start);
  }

  @Override
  public String getMediaType() {
    return summary().properties().getMediaType();
  }

  @Override
  public String getSubType() {
    return summary().properties().getSubType();
  }

  @Override
  public long getFullContentOctets() {
    return size;
  }

  @Override
  public long getHeaderOctets() {
    return summary().bodyStart();
  }

  @Override
  public long getBodyOctets() {
    return size - summary().bodyStart();
  }

  @Override
  public Long getTextualLineCount() {
    return summary().properties().getTextualLineCount();
  }

  @Override
  public Properties getProperties() {
    return summary().properties();
  }

  @Override
  public List<MessageAttachmentMetadata> getAttachments() {
    return List.of();
  }

  @Override
  public ThreadId getThreadId() {
    return ThreadId.fromBaseMessageId(messageId);
  }

  @Override
  public ComposedMessageIdWithMetaData getComposedMessageIdWithMetaData() {
    return ComposedMessageIdWithMetaData.builder()
        .modSeq(modSeq)
        .flags(createFlags())
        .composedMessageId(new ComposedMessageId(mailboxId, messageId, uid))
        .threadId(getThreadId())
        .build();
  }

  @Override
  public MailboxId getMailboxId() {
    return mailboxId;
  }

  @Override
  public MessageUid getUid() {
    return uid;
  }

  @Override
  public void setUid(MessageUid uid) {
    this.uid = uid;
  }

  @Override
  public void setModSeq(ModSeq modSeq) {
    this.modSeq = modSeq;
  }

  @Override
  public ModSeq getModSeq() {
    return modSeq;
  }

  @Override
  public synchronized boolean isAnswered() {
    return flags.contains(Flags.Flag.ANSWERED);
  }

  @Override
  public synchronized boolean isDeleted() {
    return flags.contains(Flags.Flag.DELETED);
  }

  @Override
  public synchronized boolean isDraft() {
    return flags.contains(Flags.Flag.DRAFT);
  }

  @Override
  public synchronized boolean isFlagged() {
    return flags.contains(Flags.Flag.FLAGGED);
  }

  @Override
  public synchronized boolean isRecent() {
    return flags.contains(Flags.Flag.RECENT);
  }

  @Override
  public synchronized boolean isSeen() {
    return flags.contains(Flags.Flag.SEEN);
  }

  @Override
  public synchronized void setFlags(Flags flags) {
    this.flags = new Flags(flags);
  }

  @Override
  public void setSaveDate(Date saveDate) {
    this.saveDate = Optional.ofNullable(saveDate);
  }

  @Override
  public Optional<Date> getSaveDate() {
    return saveDate;
  }

  @Override
  public synchronized Flags createFlags() {
    return FlagsFactory.createFlags(this, flags.getUserFlags());
  }

  @Override
  public MailboxMessage copy(Mailbox mailbox) {
    return copyTo(mailbox.getMailboxId());
  }

  @Override
  public String toString() {
    return "EnvelopeMessage(" + mailboxId + "/" + uid + ", " + key + ")";
  }
}
