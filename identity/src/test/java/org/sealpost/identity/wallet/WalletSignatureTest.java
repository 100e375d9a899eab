package org.sealpost.identity.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sealpost.identity.Account;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.testing.Fixtures;

class WalletSignatureTest {

  /** One row of vectors/eip191.tsv: signatures made by ethers, an independent implementation. */
  record Vector(String privateKey, String address, String message, String signature) {}

  static List<Vector> eip191Vectors() throws IOException {
    try (InputStream in = WalletSignatureTest.class.getResourceAsStream("/vectors/eip191.tsv")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(line -> !line.isBlank() && !line.startsWith("#"))
          .map(line -> line.split("\t", -1))
          .map(
              cols ->
                  new Vector(
                      cols[0],
                      cols[1],
                      new String(HexFormat.of().parseHex(cols[2]), StandardCharsets.UTF_8),
                      cols[3]))
          .toList();
    }
  }

  @ParameterizedTest
  @MethodSource("eip191Vectors")
  void signingMatchesEthersByteForByte(Vector vector) throws MalformedException {
    WalletKey key = WalletKey.parse(vector.privateKey());

    assertThat(key.account()).isEqualTo(Account.parse(vector.address()));
    assertThat(key.signPersonal(vector.message())).hasToString(vector.signature());
  }

  @ParameterizedTest
  @MethodSource("eip191Vectors")
  void recoveryFindsTheSignerOfEthersSignatures(Vector vector) throws MalformedException {
    WalletSignature signature = WalletSignature.parse(vector.signature());

    assertThat(signature.recoverSigner(vector.message())).contains(Account.parse(vector.address()));
    assertThat(signature.recoverSigner(vector.message() + "!"))
        .isPresent()
        .get()
        .isNotEqualTo(Account.parse(vector.address()));
  }

  @Test
  void vOfZeroOrOneMeansTwentySevenOrTwentyEight() throws MalformedException {
    Vector vector = eip191VectorsUnchecked().get(0);
    byte[] rsv = WalletSignature.parse(vector.signature()).bytes();
    rsv[64] = (byte) (rsv[64] - 27);

    WalletSignature normalized = WalletSignature.of(rsv);

    assertThat(normalized).hasToString(vector.signature());
    assertThat(normalized.recoverSigner(vector.message()))
        .contains(Account.parse(vector.address()));
  }

  @Test
  void otherValuesOfVAreMalformed() {
    byte[] rsv = new byte[65];
    rsv[64] = 29;

    assertThatThrownBy(() -> WalletSignature.of(rsv))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining("v = 29");
  }

  @Test
  void signaturesOfTheWrongShapeAreMalformed() {
    assertThatThrownBy(() -> WalletSignature.parse("0x1234"))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining("130 hex digits");
    assertThatThrownBy(() -> WalletSignature.parse("a".repeat(130)))
        .isInstanceOf(MalformedException.class);
  }

  @Test
  void aSignatureOffTheCurveRecoversNobody() throws MalformedException {
    byte[] rsv = new byte[65];
    rsv[64] = 27; // r = s = 0

    assertThat(WalletSignature.of(rsv).recoverSigner("hello")).isEmpty();
  }

  @Test
  void walletKeysAcceptAnOptional0xAndRejectNonKeys() throws MalformedException {
    assertThat(WalletKey.parse("0x" + Fixtures.ALICE_KEY).account())
        .isEqualTo(WalletKey.parse(Fixtures.ALICE_KEY).account());
    assertThatThrownBy(() -> WalletKey.parse("0".repeat(64)))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining("not a valid secp256k1 private key");
    assertThatThrownBy(() -> WalletKey.parse("xyz")).isInstanceOf(MalformedException.class);
    assertThat(WalletKey.parse(Fixtures.ALICE_KEY).toString()).doesNotContain(Fixtures.ALICE_KEY);
  }

  private static List<Vector> eip191VectorsUnchecked() {
    try {
      return eip191Vectors();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
