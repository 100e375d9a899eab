package org.sealpost.server.store;

import java.util.List;
import java.util.Optional;
import org.sealpost.identity.Account;

/**
 * Consent decisions per account. One record per {@code (account, kind, subject)}: the latest
 * decision wins.
 *
 * <p>Implementations MUST be thread-safe and MUST commit before {@link #put} returns.
 */
public interface ConsentStore {

  /**
   * Keeps {@code record} unless the stored one for its key was decided later (then nothing
   * changes). Returns the record in force afterwards.
   */
  ConsentRecord put(ConsentRecord record);

  Optional<ConsentRecord> find(Account account, ConsentRecord.Kind kind, String subject);

  /** All of {@code account}'s records, ordered by kind, then subject. */
  List<ConsentRecord> list(Account account);
}
