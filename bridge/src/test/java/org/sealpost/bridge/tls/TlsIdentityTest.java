package org.sealpost.bridge.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsIdentityTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private final SecureRandom random = new SecureRandom();

  @TempDir Path data;

  private TlsIdentity load(TlsIdentity.Settings settings, Clock clock) throws TlsException {
    return TlsIdentity.loadOrCreate(data, settings, clock, random);
  }

  @Test
  void generatedCertificateNamesTheDomainTheBindHostAndLoopback() throws Exception {
    TlsIdentity identity =
        load(TlsIdentity.Settings.generated("Mail.Example", "192.0.2.7", "0.0.0.0"), CLOCK);
    X509Certificate certificate = identity.certificate();

    assertThat(identity.source()).isEqualTo(TlsIdentity.Source.GENERATED);
    assertThat(SelfSignedCertificate.sans(certificate))
        .containsExactlyInAnyOrder(
            "mail.example", "192.0.2.7", "localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(certificate.getBasicConstraints()).isEqualTo(-1); // not a CA
    certificate.verify(certificate.getPublicKey()); // self-signed
  }

  @Test
  void generatedCertificateIsValidFromYesterdayFor825Days() throws Exception {
    X509Certificate certificate =
        load(TlsIdentity.Settings.generated("mail.example"), CLOCK).certificate();

    assertThat(certificate.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofDays(1)));
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(825)));
    certificate.checkValidity(java.util.Date.from(NOW));
  }

  @Test
  void privateKeyIsAnOwnerOnlyPkcs8FileInAnOwnerOnlyDirectory() throws Exception {
    load(TlsIdentity.Settings.generated("mail.example"), CLOCK);
    Path directory = TlsIdentity.directory(data);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)))
        .isEqualTo("rwx------");
    Path key = directory.resolve("key.pem");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.readString(directory.resolve("cert.pem")))
        .startsWith("-----BEGIN CERTIFICATE-----");
    try (var files = Files.list(directory)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("cert.pem", "key.pem"); // no temporary file left
    }
  }

  @Test
  void aLaterStartReusesTheCertificate() throws Exception {
    TlsIdentity first = load(TlsIdentity.Settings.generated("mail.example"), CLOCK);
    TlsIdentity second =
        load(
            TlsIdentity.Settings.generated("mail.example"),
            Clock.offset(CLOCK, Duration.ofDays(100)));

    assertThat(second.fingerprint()).isEqualTo(first.fingerprint());
  }

  @Test
  void aCertificateNearExpiryOrMissingANameIsReplaced() throws Exception {
    TlsIdentity first = load(TlsIdentity.Settings.generated("mail.example"), CLOCK);

    TlsIdentity renewed =
        load(
            TlsIdentity.Settings.generated("mail.example"),
            Clock.offset(CLOCK, Duration.ofDays(800)));
    TlsIdentity renamed = load(TlsIdentity.Settings.generated("other.example"), CLOCK);

    assertThat(renewed.fingerprint()).isNotEqualTo(first.fingerprint());
    assertThat(renamed.fingerprint()).isNotEqualTo(renewed.fingerprint());
    assertThat(SelfSignedCertificate.sans(renamed.certificate())).contains("other.example");
  }

  @Test
  void fingerprintIsTheSha256OfTheDerAsOpensslPrintsIt() throws Exception {
    TlsIdentity identity = load(TlsIdentity.Settings.generated("mail.example"), CLOCK);
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "x509",
                "-noout",
                "-fingerprint",
                "-sha256",
                "-in",
                identity.certificateFile().toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

    assertThat(openssl.waitFor()).isZero();
    assertThat(out.strip()).endsWith("=" + identity.fingerprint());
    assertThat(identity.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
  }

  @Test
  void withAPassphraseTheKeyIsSealedAndOpensOnlyWithIt() throws Exception {
    TlsIdentity.Settings sealed =
        TlsIdentity.Settings.generated("mail.example")
            .withPassphrase(Optional.of("correct horse".toCharArray()));
    TlsIdentity first = load(sealed, CLOCK);
    Path directory = TlsIdentity.directory(data);

    assertThat(directory.resolve("key.pem")).doesNotExist();
    assertThat(new String(Files.readAllBytes(directory.resolve("key.spbx")), 0, 4))
        .isEqualTo("SPBX");
    assertThat(load(sealed, CLOCK).fingerprint()).isEqualTo(first.fingerprint());
    assertThatThrownBy(() -> load(sealed.withPassphrase(Optional.of("wrong".toCharArray())), CLOCK))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining("key.spbx: wrong passphrase");
    assertThatThrownBy(() -> load(TlsIdentity.Settings.generated("mail.example"), CLOCK))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining("key.spbx is encrypted: configure the passphrase");
  }

  @Test
  void configuringAPassphraseLaterSealsTheExistingKey() throws Exception {
    TlsIdentity plain = load(TlsIdentity.Settings.generated("mail.example"), CLOCK);
    TlsIdentity sealed =
        load(
            TlsIdentity.Settings.generated("mail.example")
                .withPassphrase(Optional.of("later".toCharArray())),
            CLOCK);

    assertThat(sealed.fingerprint()).isEqualTo(plain.fingerprint());
    assertThat(TlsIdentity.directory(data).resolve("key.pem")).doesNotExist();
    assertThat(TlsIdentity.directory(data).resolve("key.spbx")).exists();
  }

  @Test
  void aConfiguredChainAndKeyAreServedAsGiven(@TempDir Path elsewhere) throws Exception {
    Path cert = elsewhere.resolve("fullchain.pem");
    Path key = elsewhere.resolve("privkey.pem");
    openssl(elsewhere, cert, key, "rsa:2048");

    TlsIdentity identity = load(TlsIdentity.Settings.configured(cert, key), CLOCK);

    assertThat(identity.source()).isEqualTo(TlsIdentity.Source.CONFIGURED);
    assertThat(identity.certificate()).isEqualTo(PemFiles.readCertificates(cert).get(0));
    assertThat(identity.certificateFile()).isEqualTo(cert);
    assertThat(TlsIdentity.directory(data)).doesNotExist(); // nothing generated
  }

  @Test
  void traditionalRsaAndEcKeyFilesAreAcceptedToo(@TempDir Path elsewhere) throws Exception {
    Path rsaCert = elsewhere.resolve("rsa-cert.pem");
    Path rsaKey = elsewhere.resolve("rsa-key.pem");
    openssl(elsewhere, rsaCert, rsaKey, "rsa:2048");
    Path rsaTraditional = elsewhere.resolve("rsa-traditional.pem");
    run(
        elsewhere,
        "openssl",
        "rsa",
        "-traditional",
        "-in",
        rsaKey.toString(),
        "-out",
        rsaTraditional.toString());
    Path ecCert = elsewhere.resolve("ec-cert.pem");
    Path ecKey = elsewhere.resolve("ec-key.pem");
    openssl(elsewhere, ecCert, ecKey, "ec:" + ecParams(elsewhere));
    Path ecTraditional = elsewhere.resolve("ec-traditional.pem");
    run(elsewhere, "openssl", "ec", "-in", ecKey.toString(), "-out", ecTraditional.toString());

    assertThat(Files.readString(rsaTraditional)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(Files.readString(ecTraditional)).startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(load(TlsIdentity.Settings.configured(rsaCert, rsaTraditional), CLOCK).certificate())
        .isEqualTo(PemFiles.readCertificates(rsaCert).get(0));
    assertThat(load(TlsIdentity.Settings.configured(ecCert, ecTraditional), CLOCK).certificate())
        .isEqualTo(PemFiles.readCertificates(ecCert).get(0));
  }

  @Test
  void badConfiguredFilesGiveOneLineErrorsNamingTheFile(@TempDir Path elsewhere) throws Exception {
    Path cert = elsewhere.resolve("cert.pem");
    Path key = elsewhere.resolve("key.pem");
    openssl(elsewhere, cert, key, "ec:" + ecParams(elsewhere));
    Path otherCert = elsewhere.resolve("other-cert.pem");
    Path otherKey = elsewhere.resolve("other-key.pem");
    openssl(elsewhere, otherCert, otherKey, "rsa:2048");
    Path garbage = elsewhere.resolve("garbage.pem");
    Files.writeString(garbage, "this is not a certificate\n");
    Path broken = elsewhere.resolve("broken.pem");
    Files.writeString(broken, "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
    Path missing = elsewhere.resolve("missing.pem");

    assertThat(error(missing, key))
        .isEqualTo("TLS certificate file " + missing + " does not exist");
    assertThat(error(cert, missing))
        .isEqualTo("TLS private key file " + missing + " does not exist");
    assertThat(error(garbage, key))
        .isEqualTo(garbage + ": no certificate found (expected PEM: -----BEGIN CERTIFICATE-----)");
    assertThat(error(broken, key)).startsWith(broken + ": malformed PEM: ");
    assertThat(error(cert, garbage))
        .isEqualTo(garbage + ": no private key found (expected PEM: -----BEGIN PRIVATE KEY-----)");
    assertThat(error(cert, otherKey))
        .isEqualTo(
            "the private key in "
                + otherKey
                + " does not belong to the certificate in "
                + cert
                + " (expected the key of the first certificate in the chain)");
    assertThat(error(cert, cert)).contains("no private key found");
    assertThat(error(elsewhere, key))
        .isEqualTo("TLS certificate file " + elsewhere + " is a directory (expected a PEM file)");
    for (String message :
        List.of(
            error(missing, key), error(garbage, key), error(broken, key), error(cert, otherKey))) {
      assertThat(message).doesNotContain("\n");
    }
  }

  @Test
  void anEncryptedConfiguredKeyIsRefusedWithTheCommandToDecryptIt(@TempDir Path elsewhere)
      throws Exception {
    Path cert = elsewhere.resolve("cert.pem");
    Path key = elsewhere.resolve("key.pem");
    openssl(elsewhere, cert, key, "rsa:2048");
    Path encrypted = elsewhere.resolve("encrypted.pem");
    run(
        elsewhere,
        "openssl",
        "pkcs8",
        "-topk8",
        "-in",
        key.toString(),
        "-out",
        encrypted.toString(),
        "-passout",
        "pass:secret");

    assertThat(error(cert, encrypted))
        .startsWith(encrypted + ": the private key is encrypted")
        .contains("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void aCertificateWithoutAKeyIsAProgrammingError() {
    assertThatThrownBy(
            () ->
                new TlsIdentity.Settings(
                    List.of(), Optional.of(Path.of("c.pem")), Optional.empty(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: both or neither");
  }

  private String error(Path cert, Path key) {
    try {
      load(TlsIdentity.Settings.configured(cert, key), CLOCK);
    } catch (TlsException e) {
      return e.getMessage();
    }
    throw new AssertionError("loaded " + cert + " with " + key);
  }

  private static String ecParams(Path dir) throws Exception {
    Path params = dir.resolve("ec.param");
    run(dir, "openssl", "ecparam", "-name", "prime256v1", "-out", params.toString());
    return params.toString();
  }

  /** A self-signed certificate and key made by openssl, as an operator would bring them. */
  static void openssl(Path dir, Path cert, Path key, String newkey) throws Exception {
    run(
        dir,
        "openssl",
        "req",
        "-x509",
        "-newkey",
        newkey,
        "-nodes",
        "-days",
        "30",
        "-subj",
        "/CN=mail.example",
        "-addext",
        "subjectAltName=DNS:mail.example",
        "-keyout",
        key.toString(),
        "-out",
        cert.toString());
  }

  static void run(Path dir, String... command) throws Exception {
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed: " + out);
    }
  }
}
