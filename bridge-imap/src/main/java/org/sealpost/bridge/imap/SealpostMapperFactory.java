package org.sealpost.bridge.imap;

import java.time.Clock;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.inmemory.mail.InMemoryAnnotationMapper;
import org.apache.james.mailbox.inmemory.mail.InMemoryMailboxMapper;
import org.apache.james.mailbox.inmemory.mail.InMemoryModSeqProvider;
import org.apache.james.mailbox.inmemory.mail.InMemoryUidProvider;
import org.apache.james.mailbox.inmemory.user.InMemorySubscriptionMapper;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.mail.AnnotationMapper;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.MessageIdMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.ModSeqProvider;
import org.apache.james.mailbox.store.mail.UidProvider;
import org.apache.james.mailbox.store.user.SubscriptionMapper;

/**
 * The bridge's mailbox backend. In this slice mailboxes, subscriptions, UIDs and modseqs live in
 * James's in-memory mappers and message rows in {@link EnvelopeMessageMapper}: all lost on restart.
 * Persistence on Hibernate is the next slice (docs/adr/0004-imap-bridge.md).
 */
final class SealpostMapperFactory extends MailboxSessionMapperFactory {
  private final MailboxMapper mailboxes = new InMemoryMailboxMapper();
  private final SubscriptionMapper subscriptions = new InMemorySubscriptionMapper();
  private final AnnotationMapper annotations = new InMemoryAnnotationMapper();
  private final UidProvider uids = new InMemoryUidProvider();
  private final ModSeqProvider modSeqs = new InMemoryModSeqProvider();
  private final EnvelopeMessageMapper.Rows rows = new EnvelopeMessageMapper.Rows();
  private final Clock clock;
  private final MessageStore store;
  private final EnvelopeMessageMapper.FolderTransitionHook hook;

  SealpostMapperFactory(
      Clock clock, MessageStore store, EnvelopeMessageMapper.FolderTransitionHook hook) {
    this.clock = clock;
    this.store = store;
    this.hook = hook;
  }

  @Override
  public AnnotationMapper createAnnotationMapper(MailboxSession session) {
    return annotations;
  }

  @Override
  public MessageMapper createMessageMapper(MailboxSession session) {
    return new EnvelopeMessageMapper(session, uids, modSeqs, clock, rows, store, mailboxes, hook);
  }

  @Override
  public MessageIdMapper createMessageIdMapper(MailboxSession session) {
    throw new UnsupportedOperationException("the IMAP bridge has no message-id access");
  }

  @Override
  public MailboxMapper createMailboxMapper(MailboxSession session) {
    return mailboxes;
  }

  @Override
  public SubscriptionMapper createSubscriptionMapper(MailboxSession session) {
    return subscriptions;
  }

  @Override
  public UidProvider getUidProvider() {
    return uids;
  }

  @Override
  public ModSeqProvider getModSeqProvider() {
    return modSeqs;
  }
}
