package org.sealpost.identity.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 9180 test vector for the suite of PROTOCOL.md §3.1 step 4 (mode_base, DHKEM(X25519,
 * HKDF-SHA256), HKDF-SHA256, AES-256-GCM), from the CFRG test-vectors.json.
 */
class HpkeKnownAnswerTest {
  private static final HexFormat HEX = HexFormat.of();
  private static JsonNode vector;

  @BeforeAll
  static void loadVector() throws IOException {
    try (InputStream in =
        HpkeKnownAnswerTest.class.getResourceAsStream(
            "/vectors/hpke-rfc9180-base-x25519-sha256-aes256gcm.json")) {
      vector = new ObjectMapper().readTree(in);
    }
  }

  private static byte[] bytes(JsonNode node, String field) {
    return HEX.parseHex(node.get(field).asText());
  }

  @Test
  void theVectorIsForOurSuite() {
    assertThat(vector.get("mode").asInt()).isEqualTo(HPKE.mode_base);
    assertThat(vector.get("kem_id").asInt()).isEqualTo(HPKE.kem_X25519_SHA256);
    assertThat(vector.get("kdf_id").asInt()).isEqualTo(HPKE.kdf_HKDF_SHA256);
    assertThat(vector.get("aead_id").asInt()).isEqualTo(HPKE.aead_AES_GCM256);
  }

  @Test
  void deriveKeyPairMatchesTheVector() {
    AsymmetricCipherKeyPair recipient = Crypto.hpke().deriveKeyPair(bytes(vector, "ikmR"));

    assertThat(((X25519PrivateKeyParameters) recipient.getPrivate()).getEncoded())
        .isEqualTo(bytes(vector, "skRm"));
    assertThat(((X25519PublicKeyParameters) recipient.getPublic()).getEncoded())
        .isEqualTo(bytes(vector, "pkRm"));
  }

  @Test
  void sealingWithTheVectorsEphemeralKeyGivesItsEncAndCiphertexts()
      throws InvalidCipherTextException {
    X25519PrivateKeyParameters ephemeral = new X25519PrivateKeyParameters(bytes(vector, "skEm"));
    var context =
        Crypto.hpke()
            .setupBaseS(
                new X25519PublicKeyParameters(bytes(vector, "pkRm")),
                bytes(vector, "info"),
                new AsymmetricCipherKeyPair(ephemeral.generatePublicKey(), ephemeral));

    assertThat(context.getEncapsulation()).isEqualTo(bytes(vector, "enc"));
    for (JsonNode encryption : vector.get("encryptions")) {
      assertThat(context.seal(bytes(encryption, "aad"), bytes(encryption, "pt")))
          .isEqualTo(bytes(encryption, "ct"));
    }
  }

  @Test
  void openingTheVectorsCiphertextsGivesItsPlaintexts() throws InvalidCipherTextException {
    X25519PrivateKeyParameters recipient = new X25519PrivateKeyParameters(bytes(vector, "skRm"));
    var context =
        Crypto.hpke()
            .setupBaseR(
                bytes(vector, "enc"),
                new AsymmetricCipherKeyPair(recipient.generatePublicKey(), recipient),
                bytes(vector, "info"));

    for (JsonNode encryption : vector.get("encryptions")) {
      assertThat(context.open(bytes(encryption, "aad"), bytes(encryption, "ct")))
          .isEqualTo(bytes(encryption, "pt"));
    }
  }

  @Test
  void theKeyWrapOfOneContentKeyIsTheFirstVectorEncryption() throws InvalidCipherTextException {
    // Crypto.wrap is what sealing uses: with the vector's keys it must give the vector's output
    // (first encryption, sequence 0) for the vector's plaintext, when the aad is empty.
    JsonNode first = vector.get("encryptions").get(0);
    X25519PrivateKeyParameters ephemeral = new X25519PrivateKeyParameters(bytes(vector, "skEm"));
    var context =
        Crypto.hpke()
            .setupBaseS(
                new X25519PublicKeyParameters(bytes(vector, "pkRm")),
                bytes(vector, "info"),
                new AsymmetricCipherKeyPair(ephemeral.generatePublicKey(), ephemeral));
    byte[] expected = context.seal(new byte[0], bytes(first, "pt"));

    byte[][] wrapped =
        Crypto.wrap(
            bytes(vector, "pkRm"),
            bytes(vector, "info"),
            bytes(first, "pt"),
            new AsymmetricCipherKeyPair(ephemeral.generatePublicKey(), ephemeral));

    assertThat(wrapped[0]).isEqualTo(bytes(vector, "enc"));
    assertThat(wrapped[1]).isEqualTo(expected);
    assertThat(
            Crypto.unwrap(
                new X25519PrivateKeyParameters(bytes(vector, "skRm")),
                wrapped[0],
                bytes(vector, "info"),
                wrapped[1]))
        .isEqualTo(bytes(first, "pt"));
  }
}
