package org.sealpost.bridge.smtp;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.OidcSASLConfiguration;
import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.AuthHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.sealpost.bridge.BridgeLogin;

/**
 * AUTH PLAIN and LOGIN (RFC 4954) with the bridge password, and MAIL only after AUTH, within the
 * account's send rate. A successful login keeps the account's unlocked keys on the connection.
 */
final class SubmissionAuth implements AuthHook, MailHook {
  private static final AttachmentKey<BridgeLogin.Unlocked> SENDER =
      AttachmentKey.of("sealpost-sender", BridgeLogin.Unlocked.class);

  private final BridgeLogin login;
  private final SendRate rate;

  SubmissionAuth(BridgeLogin login, SendRate rate) {
    this.login = requireNonNull(login, "login");
    this.rate = requireNonNull(rate, "rate");
  }

  /** The logged-in account of the connection, if it authenticated. */
  static Optional<BridgeLogin.Unlocked> sender(SMTPSession session) {
    return session.getAttachment(SENDER, State.Connection);
  }

  @Override
  public HookResult doAuth(SMTPSession session, Username username, String password) {
    char[] chars = password.toCharArray();
    BridgeLogin.Outcome outcome;
    try {
      outcome =
          login.login(
              username.asString(), chars, session.getRemoteAddress().getAddress().getHostAddress());
    } finally {
      Arrays.fill(chars, '\0');
    }
    if (outcome instanceof BridgeLogin.Unlocked unlocked) {
      session.setUsername(Username.of(unlocked.account().mail().toString()));
      session.setAttachment(SENDER, unlocked, State.Connection);
      return HookResult.builder()
          .hookReturnCode(HookReturnCode.ok())
          .smtpReturnCode("235")
          .smtpDescription("2.7.0 Authenticated as " + unlocked.account().mail())
          .build();
    }
    BridgeLogin.Reason reason = ((BridgeLogin.Refused) outcome).reason();
    return switch (reason) {
      case TOO_MANY_FAILURES ->
          new Reply(
                  "454",
                  "4.7.0",
                  "too many failed logins for this account from your address; wait 15 minutes")
              .hookResult();
      case KEYS_DAMAGED ->
          new Reply(
                  "454",
                  "4.7.0",
                  "the account's keys cannot be unlocked; the bridge's operator must check its log")
              .hookResult();
      default ->
          new Reply(
                  "535",
                  "5.7.8",
                  "authentication failed: log in with the account's mail address (or bare account)"
                      + " and its bridge password")
              .hookResult();
    };
  }

  @Override
  public HookResult doSasl(SMTPSession session, OidcSASLConfiguration configuration, String ir) {
    return HookResult.DECLINED;
  }

  @Override
  public HookResult doMail(SMTPSession session, MaybeSender sender) {
    Optional<BridgeLogin.Unlocked> unlocked = sender(session);
    if (unlocked.isEmpty()) {
      return new Reply(
              "530",
              "5.7.0",
              "authentication required: log in with AUTH PLAIN or AUTH LOGIN (the account's mail"
                  + " address and bridge password) before MAIL")
          .hookResult();
    }
    Optional<Duration> wait = rate.take(unlocked.get().account().mail().account());
    if (wait.isPresent()) {
      return new Reply(
              "451",
              "4.7.1",
              unlocked.get().account().mail()
                  + " is sending too fast: at most "
                  + rate.limit().burst()
                  + " messages at once and "
                  + rate.limit().perMinute()
                  + " a minute after that; try again in "
                  + Math.max(1, wait.get().toSeconds())
                  + " seconds")
          .hookResult();
    }
    return HookResult.DECLINED;
  }
}
