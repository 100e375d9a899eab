package org.sealpost.bridge.smtp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.sealpost.identity.Account;

/**
 * The recipients accepted so far in one SMTP transaction, by account: To, Cc and Bcc are all just
 * RCPTs, and several addresses of one account (a bare account and its mail address) make one
 * envelope. Lives in the session's transaction state, so RSET and the end of DATA clear it.
 */
final class Accepted {
  private static final AttachmentKey<Accepted> KEY =
      AttachmentKey.of("sealpost-rcpt", Accepted.class);

  /** One recipient account and the addresses the client named it by. */
  record Entry(Recipient recipient, List<String> addresses) {}

  private final Map<Account, Entry> entries = new LinkedHashMap<>();

  static Accepted of(SMTPSession session) {
    return session
        .getAttachment(KEY, State.Transaction)
        .orElseGet(
            () -> {
              Accepted accepted = new Accepted();
              session.setAttachment(KEY, accepted, State.Transaction);
              return accepted;
            });
  }

  void add(Recipient recipient, String address) {
    entries
        .computeIfAbsent(recipient.account(), any -> new Entry(recipient, new ArrayList<>()))
        .addresses()
        .add(address);
  }

  int accounts() {
    return entries.size();
  }

  boolean contains(Account account) {
    return entries.containsKey(account);
  }

  Collection<Entry> entries() {
    return entries.values();
  }
}
