package org.sealpost.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AccountTest {

  /** The test cases of EIP-55, each in its checksummed spelling. */
  static List<String> eip55Vectors() throws IOException {
    try (InputStream in = AccountTest.class.getResourceAsStream("/vectors/eip55.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(line -> !line.isBlank() && !line.startsWith("#"))
          .map(String::strip)
          .toList();
    }
  }

  @ParameterizedTest
  @MethodSource("eip55Vectors")
  void checksummedVectorsParseAndRoundTrip(String checksummed) throws MalformedException {
    Account account = Account.parse(checksummed);

    assertThat(account.canonical()).isEqualTo(checksummed.toLowerCase(Locale.ROOT));
    assertThat(account.checksummed()).isEqualTo(checksummed);
  }

  @ParameterizedTest
  @MethodSource("eip55Vectors")
  void aMixedCaseTypoIsRejected(String checksummed) {
    String hex = checksummed.substring(2);
    int letter = firstLetterIndex(hex);
    char flipped =
        Character.isUpperCase(hex.charAt(letter))
            ? Character.toLowerCase(hex.charAt(letter))
            : Character.toUpperCase(hex.charAt(letter));
    String typo = "0x" + hex.substring(0, letter) + flipped + hex.substring(letter + 1);
    boolean stillSingleCase =
        typo.substring(2).equals(typo.substring(2).toLowerCase(Locale.ROOT))
            || typo.substring(2).equals(typo.substring(2).toUpperCase(Locale.ROOT));

    assumeFalse(stillSingleCase, "flipping made it all one case, which §1 accepts as it is");
    assertThatThrownBy(() -> Account.parse(typo))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining("EIP-55 checksum");
  }

  @Test
  void allLowerAndAllUpperCaseAreAcceptedAsTheyAre() throws MalformedException {
    String lower = "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359";

    assertThat(Account.parse(lower).canonical()).isEqualTo(lower);
    assertThat(Account.parse("0x" + lower.substring(2).toUpperCase(Locale.ROOT)))
        .isEqualTo(Account.parse(lower));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "0x",
        "fb6916095ca1df60bb79ce92ce3ea74c37c5d359",
        "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d35",
        "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d3590",
        "0xgb6916095ca1df60bb79ce92ce3ea74c37c5d359",
        " 0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359"
      })
  void malformedAccountsAreRejectedWithWhatWasExpected(String text) {
    assertThatThrownBy(() -> Account.parse(text))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining("expected: 0x followed by 40 hex digits");
  }

  @Test
  void mailAddressesParseToAccountAndLowercaseDomain() throws MalformedException {
    MailAddress address =
        MailAddress.parse("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359@Mail.Example.ORG");

    assertThat(address.account().canonical())
        .isEqualTo("0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359");
    assertThat(address.home().name()).isEqualTo("mail.example.org");
    assertThat(address).hasToString("0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359@mail.example.org");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359",
        "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359@",
        "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359@exa mple.org",
        "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359@-example.org",
        "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359@example..org",
        "alice@example.org"
      })
  void malformedMailAddressesAreRejected(String text) {
    assertThatThrownBy(() -> MailAddress.parse(text)).isInstanceOf(MalformedException.class);
  }

  private static int firstLetterIndex(String hex) {
    for (int i = 0; i < hex.length(); i++) {
      if (Character.isLetter(hex.charAt(i))) {
        return i;
      }
    }
    throw new AssertionError("no letter in " + hex);
  }
}
