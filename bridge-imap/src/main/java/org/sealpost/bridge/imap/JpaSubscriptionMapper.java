package org.sealpost.bridge.imap;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.james.core.Username;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.SubscriptionException;
import org.apache.james.mailbox.store.transaction.NonTransactionalMapper;
import org.apache.james.mailbox.store.user.SubscriptionMapper;
import org.apache.james.mailbox.store.user.model.Subscription;

/** LSUB's subscriptions on {@code imap_subscriptions}, folder names stored as James gives them. */
final class JpaSubscriptionMapper extends NonTransactionalMapper implements SubscriptionMapper {
  private final BridgeDatabase database;

  JpaSubscriptionMapper(BridgeDatabase database) {
    this.database = requireNonNull(database, "database");
  }

  @Override
  public void save(Subscription subscription) throws SubscriptionException {
    SubscriptionRow row =
        new SubscriptionRow(subscription.getUser().asString(), subscription.getMailbox());
    try {
      database.write(
          session -> {
            SubscriptionRow.Key key = new SubscriptionRow.Key();
            key.owner = row.owner;
            key.mailbox = row.mailbox;
            if (session.get(SubscriptionRow.class, key) == null) {
              session.insert(row);
            }
            return row;
          });
    } catch (MailboxException e) {
      throw new SubscriptionException(e);
    }
  }

  @Override
  public List<Subscription> findSubscriptionsForUser(Username user) throws SubscriptionException {
    try {
      return database.read(
          session ->
              session
                  .createSelectionQuery(
                      "select mailbox from SubscriptionRow where owner = :owner order by mailbox",
                      String.class)
                  .setParameter("owner", user.asString())
                  .getResultList()
                  .stream()
                  .map(mailbox -> new Subscription(user, mailbox))
                  .toList());
    } catch (MailboxException e) {
      throw new SubscriptionException(e);
    }
  }

  @Override
  public void delete(Subscription subscription) throws SubscriptionException {
    try {
      database.write(
          session ->
              session
                  .createMutationQuery(
                      "delete from SubscriptionRow where owner = :owner and mailbox = :mailbox")
                  .setParameter("owner", subscription.getUser().asString())
                  .setParameter("mailbox", subscription.getMailbox())
                  .executeUpdate());
    } catch (MailboxException e) {
      throw new SubscriptionException(e);
    }
  }
}
