package org.sealpost.server.consent;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.server.store.ConsentRecord;
import org.sealpost.server.store.ConsentRecord.Kind;
import org.sealpost.server.store.ConsentRecord.State;
import org.sealpost.server.store.ConsentStore;

/**
 * Whom each account hears from (DESIGN.md, "Folders"): allow and deny decisions for single senders
 * and whole domains, made by the account's own installations.
 */
public final class Consent {
  private final ConsentStore store;

  public Consent(ConsentStore store) {
    this.store = requireNonNull(store, "store");
  }

  /** Records a decision; a decision older than the one in force changes nothing. */
  public ConsentRecord decide(ConsentRecord record) {
    return store.put(requireNonNull(record, "record"));
  }

  public List<ConsentRecord> of(Account account) {
    return store.list(requireNonNull(account, "account"));
  }

  /**
   * Whether {@code recipient} has denied mail from {@code sender} at {@code senderHome}: a decision
   * about the sender wins over one about its domain, so a user can deny a domain and still allow
   * one sender there.
   */
  public boolean denies(Account recipient, Account sender, Domain senderHome) {
    var forSender = store.find(recipient, Kind.SENDER, sender.canonical());
    if (forSender.isPresent()) {
      return forSender.get().state() == State.DENY;
    }
    return store
        .find(recipient, Kind.DOMAIN, senderHome.name())
        .map(record -> record.state() == State.DENY)
        .orElse(false);
  }
}
