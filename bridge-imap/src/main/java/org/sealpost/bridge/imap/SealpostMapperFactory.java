package org.sealpost.bridge.imap;

import java.time.Clock;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.inmemory.mail.InMemoryAnnotationMapper;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.mail.AnnotationMapper;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.MessageIdMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.ModSeqProvider;
import org.apache.james.mailbox.store.mail.UidProvider;
import org.apache.james.mailbox.store.user.SubscriptionMapper;

/**
 * The bridge's mailbox backend, on the database ({@link BridgeDatabase}): folders, subscriptions,
 * UID and modseq counters and message rows persist, so UIDVALIDITY, UIDs, flags and modseqs are the
 * same after a restart. Mappers hold no connection or session and are cheap to create (James makes
 * one per IMAP session and more for counters).
 */
final class SealpostMapperFactory extends MailboxSessionMapperFactory {
  private final BridgeDatabase database;
  private final MailboxMapper mailboxes;
  private final SubscriptionMapper subscriptions;
  private final MailboxCounters counters;

  /** Never used: the Annotation capability (METADATA) is off, so James never reaches it. */
  private final AnnotationMapper annotations = new InMemoryAnnotationMapper();

  private final Clock clock;
  private final MessageStore store;
  private final EnvelopeMessageMapper.FolderTransitionHook hook;

  SealpostMapperFactory(
      BridgeDatabase database,
      Clock clock,
      MessageStore store,
      EnvelopeMessageMapper.FolderTransitionHook hook) {
    this.database = database;
    this.mailboxes = new JpaMailboxMapper(database);
    this.subscriptions = new JpaSubscriptionMapper(database);
    this.counters = new MailboxCounters(database);
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
    return new EnvelopeMessageMapper(session, counters, clock, database, store, hook);
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
    return counters;
  }

  @Override
  public ModSeqProvider getModSeqProvider() {
    return counters;
  }
}
