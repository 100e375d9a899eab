package org.sealpost.bridge.imap;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.james.core.Username;
import org.apache.james.mailbox.acl.ACLDiff;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxACL;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.model.search.MailboxQuery;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.transaction.NonTransactionalMapper;
import org.hibernate.StatelessSession;
import org.hibernate.exception.ConstraintViolationException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Folders on {@code imap_mailboxes}. UIDVALIDITY is stored at creation and never changes; a rename
 * keeps the row (its id, counters and messages). ACLs are not stored: no folder is shared, and the
 * owner always has every right.
 */
final class JpaMailboxMapper extends NonTransactionalMapper implements MailboxMapper {
  private final BridgeDatabase database;

  JpaMailboxMapper(BridgeDatabase database) {
    this.database = requireNonNull(database, "database");
  }

  @Override
  public Mono<Mailbox> create(MailboxPath path, UidValidity uidValidity) {
    return blocking(
        () ->
            taken(
                path,
                () ->
                    database.write(
                        session -> {
                          if (find(session, path).isPresent()) {
                            throw new MailboxExistsException(path.asString());
                          }
                          MailboxRow row = new MailboxRow(path, uidValidity);
                          session.insert(row);
                          return row.toMailbox();
                        })));
  }

  @Override
  public Mono<MailboxId> rename(Mailbox mailbox) {
    MailboxPath path = mailbox.generateAssociatedPath();
    return blocking(
        () ->
            taken(
                path,
                () ->
                    database.write(
                        session -> {
                          Optional<MailboxRow> other = find(session, path);
                          if (other.isPresent()
                              && other.get().id != BridgeDatabase.rawId(mailbox.getMailboxId())) {
                            throw new MailboxExistsException(path.asString());
                          }
                          MailboxRow row = BridgeDatabase.lock(session, mailbox.getMailboxId());
                          row.owner = path.getUser().asString();
                          row.namespace = path.getNamespace();
                          row.name = path.getName();
                          session.update(row);
                          return mailbox.getMailboxId();
                        })));
  }

  /** Deletes the folder and its messages (James reads their metadata first, removes nothing). */
  @Override
  public Mono<Void> delete(Mailbox mailbox) {
    long id = BridgeDatabase.rawId(mailbox.getMailboxId());
    return blocking(
            () ->
                database.write(
                    session -> {
                      List<String> envelopes =
                          session
                              .createSelectionQuery(
                                  "select distinct m.envelopeId from MessageRow m"
                                      + " where m.mailboxId = :id",
                                  String.class)
                              .setParameter("id", id)
                              .getResultList();
                      session
                          .createMutationQuery("delete from MessageRow where mailboxId = :id")
                          .setParameter("id", id)
                          .executeUpdate();
                      session
                          .createMutationQuery("delete from MailboxRow where id = :id")
                          .setParameter("id", id)
                          .executeUpdate();
                      BridgeDatabase.release(session, mailbox.getUser().asString(), envelopes);
                      return Boolean.TRUE;
                    }))
        .then();
  }

  @Override
  public Mono<Mailbox> findMailboxByPath(MailboxPath path) {
    return blocking(
        () ->
            database.read(session -> find(session, path).map(MailboxRow::toMailbox).orElse(null)));
  }

  @Override
  public Mono<Mailbox> findMailboxById(MailboxId id) {
    return blocking(
        () ->
            database.read(
                session -> {
                  MailboxRow row = session.get(MailboxRow.class, BridgeDatabase.rawId(id));
                  if (row == null) {
                    throw new MailboxNotFoundException(id);
                  }
                  return row.toMailbox();
                }));
  }

  @Override
  public Flux<Mailbox> findNonPersonalMailboxes(Username userName, MailboxACL.Right right) {
    return Flux.empty();
  }

  @Override
  public Flux<Mailbox> findMailboxWithPathLike(MailboxQuery.UserBound query) {
    return blocking(
            () ->
                database.read(
                    session ->
                        session
                            .createSelectionQuery(
                                "from MailboxRow where owner = :owner and namespace = :namespace",
                                MailboxRow.class)
                            .setParameter("owner", query.getFixedUser().asString())
                            .setParameter("namespace", query.getFixedNamespace())
                            .getResultList()))
        .flatMapIterable(rows -> rows)
        .map(MailboxRow::toMailbox)
        .filter(query::matches);
  }

  @Override
  public Mono<Boolean> hasChildren(Mailbox mailbox, char delimiter) {
    String prefix = mailbox.getName() + delimiter;
    return blocking(
        () ->
            database.read(
                session ->
                    session
                        .createSelectionQuery(
                            "select name from MailboxRow"
                                + " where owner = :owner and namespace = :namespace",
                            String.class)
                        .setParameter("owner", mailbox.getUser().asString())
                        .setParameter("namespace", mailbox.getNamespace())
                        .getResultList()
                        .stream()
                        .anyMatch(name -> name.startsWith(prefix))));
  }

  @Override
  public Mono<ACLDiff> updateACL(Mailbox mailbox, MailboxACL.ACLCommand command) {
    return Mono.fromCallable(
        () -> {
          MailboxACL old = mailbox.getACL();
          MailboxACL updated = old.apply(command);
          mailbox.setACL(updated);
          return ACLDiff.computeDiff(old, updated);
        });
  }

  @Override
  public Mono<ACLDiff> setACL(Mailbox mailbox, MailboxACL acl) {
    return Mono.fromCallable(
        () -> {
          MailboxACL old = mailbox.getACL();
          mailbox.setACL(acl);
          return ACLDiff.computeDiff(old, acl);
        });
  }

  @Override
  public Flux<Mailbox> list() {
    return blocking(
            () ->
                database.read(
                    session ->
                        session
                            .createSelectionQuery("from MailboxRow order by id", MailboxRow.class)
                            .getResultList()))
        .flatMapIterable(rows -> rows)
        .map(MailboxRow::toMailbox);
  }

  private static Optional<MailboxRow> find(StatelessSession session, MailboxPath path) {
    return session
        .createSelectionQuery(
            "from MailboxRow where owner = :owner and namespace = :namespace and name = :name",
            MailboxRow.class)
        .setParameter("owner", path.getUser().asString())
        .setParameter("namespace", path.getNamespace())
        .setParameter("name", path.getName())
        .uniqueResultOptional();
  }

  /** Runs {@code work}, answering a lost race on the unique path as the folder existing. */
  private static <R> R taken(MailboxPath path, Callable<R> work) throws Exception {
    try {
      return work.call();
    } catch (MailboxException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof ConstraintViolationException) {
          throw new MailboxExistsException(path.asString());
        }
      }
      throw e;
    }
  }

  /** Blocking JDBC off the Netty and Reactor threads that call mappers. */
  private static <R> Mono<R> blocking(Callable<R> work) {
    return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
  }
}
