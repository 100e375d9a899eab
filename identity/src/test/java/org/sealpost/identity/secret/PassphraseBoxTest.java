package org.sealpost.identity.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.sealpost.identity.MalformedException;

class PassphraseBoxTest {
  private static final PassphraseBox CHEAP = new PassphraseBox(64, 1, 1);
  private static final byte[] SECRET =
      "thirty-two bytes of private key!".getBytes(StandardCharsets.US_ASCII);
  private final SecureRandom random = new SecureRandom();

  @Test
  void theRightPassphraseOpensTheBox() throws Exception {
    byte[] box = CHEAP.seal(SECRET, "correct horse".toCharArray(), random);

    assertThat(PassphraseBox.open(box, "correct horse".toCharArray())).isEqualTo(SECRET);
    assertThat(new String(box, StandardCharsets.ISO_8859_1)).doesNotContain("thirty-two");
  }

  @Test
  void aWrongPassphraseIsRefused() {
    byte[] box = CHEAP.seal(SECRET, "correct horse".toCharArray(), random);

    assertThatThrownBy(() -> PassphraseBox.open(box, "battery staple".toCharArray()))
        .isInstanceOf(PassphraseBox.WrongPassphraseException.class);
  }

  @Test
  void anyAlteredByteIsRefused() {
    byte[] box = CHEAP.seal(SECRET, "pw".toCharArray(), random);
    for (int i = 4; i < box.length; i++) {
      byte[] altered = box.clone();
      altered[i] ^= 1;
      assertThatThrownBy(() -> PassphraseBox.open(altered, "pw".toCharArray()))
          .as("byte %d", i)
          .isInstanceOfAny(PassphraseBox.WrongPassphraseException.class, MalformedException.class);
    }
  }

  @Test
  void somethingElseIsNotABox() {
    assertThatThrownBy(
            () ->
                PassphraseBox.open("hello".getBytes(StandardCharsets.US_ASCII), "pw".toCharArray()))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining("not an encrypted key file");
  }

  @Test
  void theSameSecretSealsDifferentlyEachTime() {
    assertThat(CHEAP.seal(SECRET, "pw".toCharArray(), random))
        .isNotEqualTo(CHEAP.seal(SECRET, "pw".toCharArray(), random));
  }
}
