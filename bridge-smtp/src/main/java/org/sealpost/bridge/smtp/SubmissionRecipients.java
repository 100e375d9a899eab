package org.sealpost.bridge.smtp;

import static java.util.Objects.requireNonNull;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.RcptHook;

/**
 * RCPT on submission: every recipient must be a wallet with valid bundles (any home, or a bare
 * account), known here and now; anything else is refused at once with the reason. Never an open
 * relay: there is no other path for a recipient than sealing to its wallet's installations.
 */
final class SubmissionRecipients implements RcptHook {
  static final int MAX_ACCOUNTS = 100;

  private final RecipientDirectory directory;

  SubmissionRecipients(RecipientDirectory directory) {
    this.directory = requireNonNull(directory, "directory");
  }

  @Override
  public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
    if (SubmissionAuth.sender(session).isEmpty()) {
      return new Reply("530", "5.7.0", "authentication required before RCPT").hookResult();
    }
    Accepted accepted = Accepted.of(session);
    RecipientDirectory.Lookup lookup =
        directory.resolve(rcpt.getLocalPart(), rcpt.getDomain().asString());
    if (lookup instanceof RecipientDirectory.Refused refused) {
      return refused.reply().hookResult();
    }
    Recipient recipient = ((RecipientDirectory.Found) lookup).recipient();
    if (accepted.accounts() >= MAX_ACCOUNTS && !accepted.contains(recipient.account())) {
      return new Reply(
              "452",
              "4.5.3",
              "too many recipients: at most "
                  + MAX_ACCOUNTS
                  + " accounts per message; send the rest in another message")
          .hookResult();
    }
    accepted.add(recipient, display(rcpt));
    return HookResult.DECLINED; // James answers 250 2.1.5
  }

  /** The address as the client named it; a bare account without our placeholder domain. */
  static String display(MailAddress rcpt) {
    return RecipientDirectory.BARE.equalsIgnoreCase(rcpt.getDomain().asString())
        ? rcpt.getLocalPart()
        : rcpt.asString();
  }
}
