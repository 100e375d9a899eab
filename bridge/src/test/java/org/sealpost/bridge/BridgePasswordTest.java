package org.sealpost.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.secret.PassphraseBox;

class BridgePasswordTest {
  private static final BridgePassword CHEAP = new BridgePassword(64, 1);
  private final SecureRandom random = new SecureRandom();

  @Test
  void generatedPasswordsAreFourGroupsOfFiveUnambiguousCharacters() {
    String password = new String(BridgePassword.generate(random));

    assertThat(password)
        .matches("[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}")
        .doesNotContain("0", "1", "l", "o", "i");
    assertThat(new String(BridgePassword.generate(random))).isNotEqualTo(password);
  }

  @Test
  void theHashVerifiesTheRightPasswordOnly() {
    char[] password = BridgePassword.generate(random);
    String stored = CHEAP.hash(password, random);

    assertThat(stored)
        .startsWith("$argon2id$v=19$m=64,t=1,p=1$")
        .doesNotContain(new String(password));
    assertThat(BridgePassword.verify(password, stored)).isTrue();
    assertThat(BridgePassword.verify("wrong".toCharArray(), stored)).isFalse();
    assertThat(BridgePassword.verify(password, "$argon2id$v=19$m=64,t=1,p=1$AAAA")).isFalse();
    assertThat(BridgePassword.verify(password, "plain text")).isFalse();
  }

  @Test
  void aLockedInstallationOpensWithItsPassphraseOnly() throws Exception {
    InstallationKeys keys = InstallationKeys.generate(random);
    char[] password = BridgePassword.generate(random);
    LockedInstallation locked =
        LockedInstallation.lock(keys, password, new PassphraseBox(64, 1, 1), random);

    InstallationKeys unlocked = locked.unlock(password);

    assertThat(unlocked.id()).isEqualTo(keys.id());
    assertThat(unlocked.signingPublicKey()).isEqualTo(keys.signingPublicKey());
    assertThat(unlocked.encryptionPublicKey()).isEqualTo(keys.encryptionPublicKey());
    assertThatThrownBy(() -> locked.unlock("guess".toCharArray()))
        .isInstanceOf(PassphraseBox.WrongPassphraseException.class);
  }
}
