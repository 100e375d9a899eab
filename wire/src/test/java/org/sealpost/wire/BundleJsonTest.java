package org.sealpost.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sealpost.identity.testing.Fixtures.ALICE_KEY;
import static org.sealpost.identity.testing.Fixtures.NOW;
import static org.sealpost.identity.testing.Fixtures.RANDOM;
import static org.sealpost.identity.testing.Fixtures.link;
import static org.sealpost.identity.testing.Fixtures.wallet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.Revocation;
import org.sealpost.identity.installation.RevocationStatement;
import org.sealpost.identity.wallet.WalletKey;

class BundleJsonTest {
  private final WalletKey alice = wallet(ALICE_KEY);
  private final Bundle bundle = link(alice, InstallationKeys.generate(RANDOM), "example.org");

  @Test
  void aBundleRoundTripsThroughJsonWithTheProtocolsFieldsInOrder() throws Exception {
    String json = BundleJson.toPrettyJson(bundle);

    assertThat(BundleJson.parse(json)).isEqualTo(bundle);
    assertThat(BundleJson.parse(BundleJson.toJson(bundle))).isEqualTo(bundle);
    List<String> fields = iterable(new ObjectMapper().readTree(json).fieldNames());
    assertThat(fields)
        .containsExactly(
            "account",
            "home",
            "installation",
            "signingKey",
            "encryptionKey",
            "issuedAt",
            "expiresAt",
            "walletSignature");
    assertThat(json).contains("\n  \"account\": \"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266\"");
  }

  @Test
  void unknownFieldsAreIgnoredForForwardCompatibility() throws Exception {
    ObjectNode node = BundleJson.toNode(bundle).put("addedInVersion2", "x");

    assertThat(BundleJson.parse(node.toString())).isEqualTo(bundle);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "account",
        "home",
        "installation",
        "signingKey",
        "encryptionKey",
        "issuedAt",
        "expiresAt",
        "walletSignature"
      })
  void eachMissingFieldIsNamed(String field) {
    ObjectNode node = BundleJson.toNode(bundle);
    node.remove(field);

    assertThatThrownBy(() -> BundleJson.parse(node.toString()))
        .isInstanceOf(MalformedException.class)
        .hasMessage("bundle: field \"" + field + "\" is missing");
  }

  @Test
  void wrongTypesAndShapesAreNamed() {
    ObjectNode number = BundleJson.toNode(bundle).put("expiresAt", 17);
    ObjectNode upperHex =
        BundleJson.toNode(bundle)
            .put("signingKey", bundle.signingKey().hex().toUpperCase(java.util.Locale.ROOT));

    assertThatThrownBy(() -> BundleJson.parse(number.toString()))
        .hasMessage("bundle: field \"expiresAt\" must be a string");
    assertThatThrownBy(() -> BundleJson.parse(upperHex.toString()))
        .hasMessageStartingWith("bundle: signingKey:")
        .hasMessageContaining("64 lowercase hex digits");
    assertThatThrownBy(() -> BundleJson.parse("[1,2]"))
        .hasMessage("bundle: expected a JSON object");
    assertThatThrownBy(() -> BundleJson.parse("{\"account\":"))
        .hasMessageStartingWith("bundle: not valid JSON");
  }

  @Test
  void aRevocationRoundTrips() throws Exception {
    RevocationStatement statement =
        new RevocationStatement(alice.account(), bundle.installation(), NOW);
    Revocation revocation = new Revocation(statement, alice.signPersonal(statement.text()));

    assertThat(RevocationJson.parse(RevocationJson.toPrettyJson(revocation))).isEqualTo(revocation);
    assertThat(iterable(RevocationJson.toNode(revocation).fieldNames()))
        .containsExactly("account", "installation", "revokedAt", "walletSignature");
  }

  private static List<String> iterable(java.util.Iterator<String> names) {
    List<String> out = new java.util.ArrayList<>();
    names.forEachRemaining(out::add);
    return out;
  }
}
