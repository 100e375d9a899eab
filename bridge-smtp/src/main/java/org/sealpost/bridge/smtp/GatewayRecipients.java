package org.sealpost.bridge.smtp;

import static java.util.Objects.requireNonNull;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.sealpost.identity.Domain;

/**
 * RCPT on the inbound gateway (the MX role): only {@code <account>@<this domain>} of an account
 * with valid bundles here. Any other domain is refused as relaying; this listener never sends mail
 * anywhere else.
 */
final class GatewayRecipients implements RcptHook {
  private final Domain domain;
  private final RecipientDirectory directory;

  GatewayRecipients(Domain domain, RecipientDirectory directory) {
    this.domain = requireNonNull(domain, "domain");
    this.directory = requireNonNull(directory, "directory");
  }

  @Override
  public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
    String rcptDomain = rcpt.getDomain().asString();
    if (!domain.name().equalsIgnoreCase(rcptDomain)) {
      return new Reply(
              "550",
              "5.7.1",
              "relaying denied: this server accepts mail only for @"
                  + domain.name()
                  + ", not for <"
                  + SubmissionRecipients.display(rcpt)
                  + ">")
          .hookResult();
    }
    RecipientDirectory.Lookup lookup = directory.resolve(rcpt.getLocalPart(), rcptDomain);
    if (lookup instanceof RecipientDirectory.Refused refused) {
      Reply reply = refused.reply();
      // To a stranger, every permanent refusal of an address here is "no such user" (RFC 3463).
      return (reply.isTemporary()
              ? reply
              : new Reply("550", "5.1.1", "<" + rcpt.asString() + ">: no such wallet inbox here"))
          .hookResult();
    }
    Accepted.of(session).add(((RecipientDirectory.Found) lookup).recipient(), rcpt.asString());
    return HookResult.DECLINED; // James answers 250 2.1.5
  }
}
