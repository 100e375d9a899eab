package org.sealpost.bridge.imap;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.james.core.Username;
import org.apache.james.mailbox.exception.MailboxException;
import org.sealpost.client.ApiException;
import org.sealpost.client.InstallationSession;
import org.sealpost.client.InstallationSession.ConsentDecision;
import org.sealpost.identity.MailAddress;
import org.sealpost.identity.envelope.SenderCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consent in the bridge (DESIGN.md, "Folders"): files synced mail by the account's allow and deny
 * decisions on the home server, and turns a user's move into {@code INBOX} or {@code Junk} into a
 * decision there. The decisions are read when an account unlocks, after the bridge records one, and
 * again before filing once they are older than a minute (decisions made by other installations of
 * the account). A sender the account has written to is not allowed by that alone.
 */
final class ConsentFiling implements EnvelopeMessageMapper.FolderTransitionHook {
  private static final Logger LOG = LoggerFactory.getLogger(ConsentFiling.class);
  private static final Duration STALE = Duration.ofMinutes(1);

  static final String INBOX = "INBOX";
  static final String REQUESTS = "Requests";
  static final String JUNK = "Junk";

  /** Where a message's sender comes from: the check made when it was synced. */
  interface Senders {
    Optional<SenderCheck> senderOf(Username owner, String key) throws MailboxException;
  }

  private static final class Book {
    final MailAddress own;
    final InstallationSession session;
    volatile List<ConsentDecision> decisions = List.of();
    volatile Instant readAt = Instant.EPOCH;

    Book(MailAddress own, InstallationSession session) {
      this.own = own;
      this.session = session;
    }
  }

  private final Clock clock;
  private final Senders senders;
  private final Map<Username, Book> books = new ConcurrentHashMap<>();

  ConsentFiling(Clock clock, Senders senders) {
    this.clock = requireNonNull(clock, "clock");
    this.senders = requireNonNull(senders, "senders");
  }

  /** The account unlocked: reads its decisions (a failure is logged; filing retries later). */
  void unlocked(Username owner, MailAddress own, InstallationSession session) {
    Book book = books.computeIfAbsent(owner, any -> new Book(own, session));
    try {
      refresh(book);
    } catch (ApiException e) {
      LOG.warn("consent of {} not read at unlock: {}", own, e.getMessage());
    }
  }

  /** The folder a synced message goes to. */
  String folderFor(Username owner, SenderCheck sender) {
    Book book = books.get(owner);
    if (book == null || sender instanceof SenderCheck.Unverified) {
      return REQUESTS; // unverified mail never reaches INBOX, whatever the decisions say
    }
    if (clock.instant().isAfter(book.readAt.plus(STALE))) {
      try {
        refresh(book);
      } catch (ApiException e) {
        LOG.warn(
            "consent of {} not refreshed, filing by the last read: {}", book.own, e.toString());
      }
    }
    if (sender instanceof SenderCheck.Verified verified) {
      if (verified.sender().account().equals(book.own.account())) {
        return INBOX; // the account's own mail (another installation, Sent copies)
      }
      Optional<String> state =
          state(book, "sender", verified.sender().account().canonical())
              .or(() -> state(book, "domain", verified.sender().home().name()));
      return state.map(s -> "allow".equals(s) ? INBOX : JUNK).orElse(REQUESTS);
    }
    SenderCheck.Gateway gateway = (SenderCheck.Gateway) sender;
    return state(book, "domain", gateway.domain().name())
        .filter("allow"::equals)
        .map(s -> INBOX)
        .orElse(REQUESTS);
  }

  /**
   * A message is moved or copied from {@code from} to {@code to}: into {@code INBOX} from {@code
   * Requests} or {@code Junk} allows its verified sender, into {@code Junk} denies it. Runs before
   * the folder changes; a refusal of the home server fails the IMAP command.
   */
  @Override
  public void beforeTransition(Username owner, String key, String from, String to)
      throws MailboxException {
    String state;
    if (INBOX.equals(to) && (REQUESTS.equals(from) || JUNK.equals(from))) {
      state = "allow";
    } else if (JUNK.equals(to) && !JUNK.equals(from)) {
      state = "deny";
    } else {
      return;
    }
    Book book = books.get(owner);
    Optional<SenderCheck> sender = senders.senderOf(owner, key);
    if (book == null
        || sender.isEmpty()
        || !(sender.get() instanceof SenderCheck.Verified verified)
        || verified.sender().account().equals(book.own.account())) {
      return; // gateway, unverified and appended mail change no consent
    }
    String subject = verified.sender().account().canonical();
    if (state(book, "sender", subject).filter(state::equals).isPresent()) {
      return;
    }
    try {
      book.session.decide(
          "sender", subject, state, clock.instant().truncatedTo(ChronoUnit.SECONDS));
      refresh(book);
    } catch (ApiException e) {
      throw new MailboxException(
          "cannot record '" + state + "' for " + verified.sender() + ": " + e.getMessage(), e);
    }
    LOG.info("{} {} {} (moved {} -> {})", book.own, state, verified.sender(), from, to);
  }

  private void refresh(Book book) {
    book.decisions = List.copyOf(book.session.consent());
    book.readAt = clock.instant();
  }

  private static Optional<String> state(Book book, String kind, String subject) {
    return book.decisions.stream()
        .filter(d -> d.kind().equalsIgnoreCase(kind) && d.subject().equalsIgnoreCase(subject))
        .map(d -> d.state().toLowerCase(java.util.Locale.ROOT))
        .findFirst();
  }
}
