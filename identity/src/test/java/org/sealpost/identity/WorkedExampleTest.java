package org.sealpost.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.BundleVerifier;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.LinkStatement;
import org.sealpost.identity.testing.Fixtures;
import org.sealpost.identity.testing.MutableClock;
import org.sealpost.identity.wallet.WalletKey;

/**
 * The worked example of docs/protocol.md, value for value, so the page cannot drift from the code.
 * The bundle was also checked by the independent implementation (interop/js verify-bundle).
 */
class WorkedExampleTest {
  static final String TEXT =
      """
      Sealpost wants you to link a new installation to your inbox.

      Account: 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266
      Home server: mail.example.org
      Installation: 65cfd6e6e6236071241cbfdf7dfeb092
      Signing key: 8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c
      Encryption key: ce8d3ad1ccb633ec7b70c17814a5c76ecd029685050d344745ba05870e587d59
      Issued at: 2026-11-24T10:00:00Z
      Expires at: 2027-11-24T10:00:00Z"""
          .stripIndent();

  static final String SIGNATURE =
      "0xb5bf71dae84599510f1cbc882197872cd822e17b57a47c10023344847be15f91"
          + "5bc844ac39ba2b8db6efd390641ffb7c4c668f074a515f895fdc0cdb26619c771c";

  @Test
  void theLinkExampleGivesTheDocumentedIdTextAndSignature() throws MalformedException {
    InstallationKeys keys = InstallationKeys.fromPrivateKeys(filled(0x01), filled(0x02));
    WalletKey wallet = WalletKey.parse(Fixtures.ALICE_KEY);
    LinkStatement statement =
        LinkStatement.forKeys(
            wallet.account(),
            Domain.parse("mail.example.org"),
            keys,
            Instant.parse("2026-11-24T10:00:00Z"),
            Instant.parse("2027-11-24T10:00:00Z"));
    Bundle bundle = new Bundle(statement, wallet.signPersonal(statement.text()));

    assertThat(keys.id().hex()).isEqualTo("65cfd6e6e6236071241cbfdf7dfeb092");
    assertThat(statement.text()).isEqualTo(TEXT);
    assertThat(bundle.walletSignature()).hasToString(SIGNATURE);
    assertThat(new BundleVerifier(MutableClock.at("2026-11-24T10:00:00Z")).verify(bundle).isValid())
        .isTrue();
  }

  @Test
  void theHeaderHashExampleMatches() throws Exception {
    byte[] id = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
    byte[] header =
        org.sealpost.identity.envelope.EnvelopeTestAccess.headerHash(
            id, "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", 1795600800000L);

    assertThat(HexFormat.of().formatHex(header))
        .isEqualTo("e2cfa14a05c4d9fa526039578331fcf7c4b49a61e389acf5ec44fc75a53756cf");
  }

  private static byte[] filled(int value) {
    byte[] bytes = new byte[32];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }
}
