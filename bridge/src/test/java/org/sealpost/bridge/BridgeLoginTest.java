package org.sealpost.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MailAddress;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.secret.PassphraseBox;

class BridgeLoginTest {
  private static final String ACCOUNT = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
  private final SecureRandom random = new SecureRandom();

  @TempDir Path data;

  private BridgeLogin loginWith(char[] password, InstallationKeys keys) throws Exception {
    BridgeAccounts accounts = new BridgeAccounts(data);
    accounts.save(
        new BridgeAccount(
            MailAddress.of(Account.parse(ACCOUNT), Domain.parse("home.test")),
            LockedInstallation.lock(keys, password, new PassphraseBox(64, 1, 1), random),
            new BridgePassword(64, 1).hash(password, random)));
    return new BridgeLogin(accounts, new LoginLimiter(Clock.systemUTC()), random);
  }

  @Test
  void theMailAddressInAnyCaseOrTheBareAccountUnlockTheKeys() throws Exception {
    char[] password = BridgePassword.generate(random);
    InstallationKeys keys = InstallationKeys.generate(random);
    BridgeLogin login = loginWith(password, keys);

    for (String user :
        new String[] {
          ACCOUNT + "@home.test", ACCOUNT.toUpperCase().replace("0X", "0x") + "@HOME.test", ACCOUNT
        }) {
      BridgeLogin.Outcome outcome = login.login(user, password.clone(), "127.0.0.1");
      assertThat(outcome).isInstanceOf(BridgeLogin.Unlocked.class);
      assertThat(((BridgeLogin.Unlocked) outcome).keys().id()).isEqualTo(keys.id());
    }
  }

  @Test
  void wrongPasswordsUnknownAccountsAndOtherHomesAreRefusedAndCounted() throws Exception {
    char[] password = BridgePassword.generate(random);
    BridgeLogin login = loginWith(password, InstallationKeys.generate(random));

    assertThat(login.login(ACCOUNT, "wrong".toCharArray(), "10.0.0.1"))
        .isEqualTo(new BridgeLogin.Refused(BridgeLogin.Reason.WRONG_PASSWORD));
    assertThat(login.login(ACCOUNT + "@elsewhere.test", password.clone(), "10.0.0.1"))
        .isEqualTo(new BridgeLogin.Refused(BridgeLogin.Reason.UNKNOWN_ACCOUNT));
    assertThat(login.login("0x70997970c51812dc3a010c7d01b50e0d17dc79c8", password, "10.0.0.1"))
        .isEqualTo(new BridgeLogin.Refused(BridgeLogin.Reason.UNKNOWN_ACCOUNT));
  }

  @Test
  void afterTooManyFailuresEvenTheRightPasswordIsRefusedFromThatAddress() throws Exception {
    char[] password = BridgePassword.generate(random);
    BridgeLogin login = loginWith(password, InstallationKeys.generate(random));
    LoginLimiter limiter = new LoginLimiter(Clock.systemUTC());
    BridgeLogin fresh = new BridgeLogin(new BridgeAccounts(data), limiter, random);
    String key = ACCOUNT + "|10.0.0.9";
    for (int i = 0; i < LoginLimiter.REFUSE_AFTER; i++) {
      limiter.failed(key);
    }
    assertThat(fresh.login(ACCOUNT, password.clone(), "10.0.0.9"))
        .isEqualTo(new BridgeLogin.Refused(BridgeLogin.Reason.TOO_MANY_FAILURES));
    assertThat(login.login(ACCOUNT, password.clone(), "10.0.0.10"))
        .isInstanceOf(BridgeLogin.Unlocked.class);
  }
}
