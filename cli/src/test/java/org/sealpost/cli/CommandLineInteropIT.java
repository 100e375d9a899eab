package org.sealpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline commands of issue 2, run through {@code ./sealpost} as a user would, against an
 * independent implementation written from PROTOCOL.md alone (interop/js: ethers, @hpke/core,
 * noble), in both directions.
 */
class CommandLineInteropIT {
  private static final String ALICE_KEY =
      "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  private static final String ALICE = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
  private static final String BOB_KEY =
      "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
  private static final String BOB = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
  private static final String BOB_CHECKSUMMED = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

  /** CRLF lines, UTF-8 and a binary part: what a mail client really writes. */
  private static final byte[] MESSAGE = message();

  @TempDir Path work;
  private Path messageFile;

  @BeforeEach
  void writeMessage() throws IOException {
    messageFile = Files.write(work.resolve("message.eml"), MESSAGE);
  }

  @Test
  void aJavaInstallationLinkedWithAnEthersSignatureIsValidForBothImplementations()
      throws IOException {
    Path alice = linkJavaInstallation("alice", ALICE, "alice.example", ALICE_KEY);

    Command ours =
        Command.sealpost(work, "bundle", "verify", alice.resolve("bundle.json").toString());
    Command theirs = Command.node(work, "verify-bundle", alice.resolve("bundle.json").toString());

    assertThat(ours.exitCode()).as("%s", ours).isZero();
    assertThat(ours.stdoutText()).isEqualTo(ALICE + "\n");
    assertThat(theirs.exitCode()).as("%s", theirs).isZero();
    assertThat(theirs.stdoutText().strip()).isEqualTo(ALICE);
  }

  @Test
  void installationNewPrintsExactlyTheLinkTextAndKeepsKeysPrivate() throws IOException {
    Path dir = work.resolve("alice");
    Command created =
        Command.sealpost(
            work,
            "installation",
            "new",
            "--account",
            ALICE.toUpperCase().replace("0X", "0x"),
            "--home",
            "Alice.Example",
            "--dir",
            dir.toString());

    assertThat(created.exitCode()).as("%s", created).isZero();
    List<String> lines = created.stdoutText().lines().toList();
    assertThat(created.stdoutText()).doesNotEndWith("\n");
    assertThat(lines).hasSize(9);
    assertThat(lines.subList(0, 4))
        .containsExactly(
            "Sealpost wants you to link a new installation to your inbox.",
            "",
            "Account: " + ALICE,
            "Home server: alice.example");
    assertThat(lines.get(4)).matches("Installation: [0-9a-f]{32}");
    assertThat(lines.get(5)).matches("Signing key: [0-9a-f]{64}");
    assertThat(lines.get(6)).matches("Encryption key: [0-9a-f]{64}");
    assertThat(lines.get(7)).matches("Issued at: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("installation.json"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
  }

  @Test
  void installationNewNeverOverwritesAnExistingInstallation() throws IOException {
    Path alice = linkJavaInstallation("alice", ALICE, "alice.example", ALICE_KEY);
    byte[] before = Files.readAllBytes(alice.resolve("installation.json"));

    Command again =
        Command.sealpost(
            work,
            "installation",
            "new",
            "--account",
            ALICE,
            "--home",
            "alice.example",
            "--dir",
            alice.toString());

    assertUserError(again, "already holds an installation");
    assertThat(Files.readAllBytes(alice.resolve("installation.json"))).isEqualTo(before);
  }

  @Test
  void linkRefusesASignatureByAnotherWalletAndWritesNothing() throws IOException {
    Path dir = work.resolve("alice");
    Command created =
        Command.sealpost(
            work,
            "installation",
            "new",
            "--account",
            ALICE,
            "--home",
            "alice.example",
            "--dir",
            dir.toString());
    Path text = Files.write(work.resolve("text.txt"), created.stdout());
    String bobsSignature =
        Command.node(work, "sign-text", "--wallet-key", BOB_KEY, "--text-file", text.toString())
            .stdoutText()
            .strip();

    Command link =
        Command.sealpost(
            work, "installation", "link", "--dir", dir.toString(), "--signature", bobsSignature);

    assertUserError(link, "the wallet signature is by " + BOB + ", not by " + ALICE);
    assertThat(dir.resolve("bundle.json")).doesNotExist();
  }

  @Test
  void badInputGetsOneLineAndNoStackTrace() throws IOException {
    assertUserError(
        Command.sealpost(
            work,
            "installation",
            "new",
            "--account",
            "0x70997970C51812dc3A010C7d01b50e0d17dc79c8",
            "--home",
            "a.example",
            "--dir",
            work.resolve("x").toString()),
        "EIP-55 checksum");
    assertUserError(
        Command.sealpost(
            work,
            "installation",
            "new",
            "--account",
            ALICE,
            "--home",
            "not a domain",
            "--dir",
            work.resolve("y").toString()),
        "expected: a host name");
    assertUserError(
        Command.sealpost(
            work,
            "installation",
            "link",
            "--dir",
            work.resolve("none").toString(),
            "--signature",
            "0x00"),
        "no installation in");
    assertUserError(
        Command.sealpost(work, "bundle", "verify", work.resolve("missing.json").toString()),
        "no such file");
    assertUserError(
        Command.sealpost(
            work,
            "envelope",
            "open",
            "--dir",
            work.toString(),
            "--sender-bundle",
            "b.json",
            "--in",
            messageFile.toString()),
        "no installation in");
  }

  @Test
  void bothImplementationsGiveTheSameReasonForEachInvalidBundle() throws IOException {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<Path> cases = new ArrayList<>();
    cases.add(
        jsBundle(
            "expired",
            BOB,
            BOB_KEY,
            now.minus(400, ChronoUnit.DAYS),
            now.minus(1, ChronoUnit.DAYS)));
    cases.add(
        jsBundle(
            "not-yet-valid",
            BOB,
            BOB_KEY,
            now.plus(1, ChronoUnit.HOURS),
            now.plus(2, ChronoUnit.DAYS)));
    cases.add(jsBundle("wrong-account", ALICE, BOB_KEY, now, now.plus(1, ChronoUnit.DAYS)));
    cases.add(idMismatchBundle(now));
    cases.add(editedBundle("malformed", "signingKey", "not hex"));
    cases.add(editedBundle("malformed", "issuedAt", "2026-11-24T10:00:00.000Z"));

    for (Path bundle : cases) {
      String expected = bundle.getParent().getFileName().toString();
      Command ours = Command.sealpost(work, "bundle", "verify", bundle.toString());
      Command theirs = Command.node(work, "verify-bundle", bundle.toString());

      assertThat(ours.exitCode()).as("%s: %s", expected, ours).isEqualTo(1);
      assertThat(ours.stdout()).isEmpty();
      assertThat(ours.stderr()).as(expected).startsWith(expected + ": ");
      assertThat(ours.stderr().strip()).doesNotContain("\n");
      assertThat(theirs.exitCode()).as("%s: %s", expected, theirs).isEqualTo(1);
      assertThat(theirs.stderr()).as(expected).startsWith(expected + ": ");
    }
  }

  @Test
  void javaSealsAndTheIndependentImplementationOpensByteForByte() throws IOException {
    Path alice = linkJavaInstallation("alice", ALICE, "alice.example", ALICE_KEY);
    Path bobJs = jsInstallation("bob-js", BOB_CHECKSUMMED, BOB_KEY);
    Path bobJava = linkJavaInstallation("bob-java", BOB, "bob.example", BOB_KEY);
    Path envelope = work.resolve("to-bob.bin");

    Command sealed =
        Command.sealpost(
            work,
            "envelope",
            "seal",
            "--dir",
            alice.toString(),
            "--to",
            bobJs.resolve("bundle.json").toString(),
            "--to",
            bobJava.resolve("bundle.json").toString(),
            "--in",
            messageFile.toString(),
            "--out",
            envelope.toString());
    Command openedByJs =
        Command.node(
            work,
            "open",
            "--dir",
            bobJs.toString(),
            "--sender-bundle",
            alice.resolve("bundle.json").toString(),
            "--in",
            envelope.toString());
    Command openedByJava =
        Command.sealpost(
            work,
            "envelope",
            "open",
            "--dir",
            bobJava.toString(),
            "--sender-bundle",
            alice.resolve("bundle.json").toString(),
            "--in",
            envelope.toString());

    assertThat(sealed.exitCode()).as("%s", sealed).isZero();
    assertThat(openedByJs.exitCode()).as("%s", openedByJs).isZero();
    assertThat(openedByJs.stdout()).isEqualTo(MESSAGE);
    assertThat(openedByJava.exitCode()).as("%s", openedByJava).isZero();
    assertThat(openedByJava.stdout()).isEqualTo(MESSAGE);
  }

  @Test
  void theIndependentImplementationSealsAndJavaOpensByteForByte() throws IOException {
    Path aliceJs = jsInstallation("alice-js", ALICE, ALICE_KEY);
    Path bob = linkJavaInstallation("bob", BOB, "bob.example", BOB_KEY);
    Path envelope = work.resolve("from-js.bin");

    Command sealed =
        Command.node(
            work,
            "seal",
            "--dir",
            aliceJs.toString(),
            "--to",
            bob.resolve("bundle.json").toString(),
            "--in",
            messageFile.toString(),
            "--out",
            envelope.toString());
    Command opened =
        Command.sealpost(
            work,
            "envelope",
            "open",
            "--dir",
            bob.toString(),
            "--sender-bundle",
            aliceJs.resolve("bundle.json").toString(),
            "--in",
            envelope.toString());

    assertThat(sealed.exitCode()).as("%s", sealed).isZero();
    assertThat(opened.exitCode()).as("%s", opened).isZero();
    assertThat(opened.stdout()).isEqualTo(MESSAGE);
  }

  @Test
  void openRefusesWhatItCannotProveAndPrintsNoMessage() throws IOException {
    Path aliceJs = jsInstallation("alice-js", ALICE, ALICE_KEY);
    Path bob = linkJavaInstallation("bob", BOB, "bob.example", BOB_KEY);
    Path bobOther = linkJavaInstallation("bob-other", BOB, "bob.example", BOB_KEY);
    Path envelope = work.resolve("from-js.bin");
    Command.node(
        work,
        "seal",
        "--dir",
        aliceJs.toString(),
        "--to",
        bob.resolve("bundle.json").toString(),
        "--in",
        messageFile.toString(),
        "--out",
        envelope.toString());
    byte[] genuine = Files.readAllBytes(envelope);
    byte[] flipped = genuine.clone();
    flipped[flipped.length - 1] ^= 1; // the last byte is inside the ciphertext's GCM tag
    Path tampered = Files.write(work.resolve("tampered.bin"), flipped);
    Path garbage = Files.write(work.resolve("garbage.bin"), new byte[] {(byte) 0xff, 0x00, 0x13});

    assertOpenFails(bob, aliceJs.resolve("bundle.json"), tampered, "decryption-failed");
    assertOpenFails(bobOther, aliceJs.resolve("bundle.json"), envelope, "no-wrap");
    assertOpenFails(
        aliceJs.resolve("..").resolve("alice-java-never"),
        aliceJs.resolve("bundle.json"),
        envelope,
        "no installation");
    assertOpenFails(bob, bob.resolve("bundle.json"), envelope, "sender-mismatch");
    assertOpenFails(
        bob, aliceJs.resolve("bundle.json"), garbage, "malformed: envelope: not a valid protobuf");
    Path alice = linkJavaInstallation("alice", ALICE, "alice.example", ALICE_KEY);
    assertOpenFails(alice, aliceJs.resolve("bundle.json"), envelope, "not-for-this-account");
  }

  @Test
  void gatewayMailOpensWithTheGatewaysKeyOnly() throws IOException {
    Path bob = linkJavaInstallation("bob", BOB, "bob.example", BOB_KEY);
    Path keyFile = work.resolve("gateway.key");
    String gatewayKey =
        Command.node(work, "gateway-keygen", "--out", keyFile.toString()).stdoutText().strip();
    String otherKey =
        Command.node(work, "gateway-keygen", "--out", work.resolve("other.key").toString())
            .stdoutText()
            .strip();
    Path envelope = work.resolve("gateway.bin");
    Command sealed =
        Command.node(
            work,
            "gateway-seal",
            "--key",
            keyFile.toString(),
            "--domain",
            "bob.example",
            "--to",
            bob.resolve("bundle.json").toString(),
            "--in",
            messageFile.toString(),
            "--out",
            envelope.toString());

    Command opened =
        Command.sealpost(
            work,
            "envelope",
            "open",
            "--dir",
            bob.toString(),
            "--gateway-key",
            gatewayKey,
            "--in",
            envelope.toString());
    Command forged =
        Command.sealpost(
            work,
            "envelope",
            "open",
            "--dir",
            bob.toString(),
            "--gateway-key",
            otherKey,
            "--in",
            envelope.toString());

    assertThat(sealed.exitCode()).as("%s", sealed).isZero();
    assertThat(opened.exitCode()).as("%s", opened).isZero();
    assertThat(opened.stdout()).isEqualTo(MESSAGE);
    assertUserError(forged, "bad-signature");
  }

  @Test
  void sealRefusesInvalidAndMixedRecipientBundles() throws IOException {
    Path alice = linkJavaInstallation("alice", ALICE, "alice.example", ALICE_KEY);
    Path bob = jsInstallation("bob-js", BOB, BOB_KEY);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Path expired =
        jsBundle(
            "expired",
            BOB,
            BOB_KEY,
            now.minus(400, ChronoUnit.DAYS),
            now.minus(1, ChronoUnit.DAYS));
    Path out = work.resolve("out.bin");

    assertUserError(
        Command.sealpost(
            work,
            "envelope",
            "seal",
            "--dir",
            alice.toString(),
            "--to",
            expired.toString(),
            "--in",
            messageFile.toString(),
            "--out",
            out.toString()),
        "invalid bundle: expired");
    assertUserError(
        Command.sealpost(
            work,
            "envelope",
            "seal",
            "--dir",
            alice.toString(),
            "--to",
            bob.resolve("bundle.json").toString(),
            "--to",
            alice.resolve("bundle.json").toString(),
            "--in",
            messageFile.toString(),
            "--out",
            out.toString()),
        "one envelope per recipient account");
    assertThat(out).doesNotExist();
  }

  @Test
  void theLauncherSaysHowToBuildWhenNothingIsBuilt() throws IOException {
    Path checkout = Files.createDirectories(work.resolve("fresh-checkout"));
    Path launcher = Files.copy(Path.of(Command.LAUNCHER), checkout.resolve("sealpost"));

    Command run = Command.run(work, List.of(launcher.toString(), "--help"));

    assertThat(run.exitCode()).isEqualTo(127);
    assertThat(run.stderr()).contains("./mvnw -DskipTests package");
  }

  private void assertOpenFails(Path dir, Path senderBundle, Path envelope, String reason) {
    Command open =
        Command.sealpost(
            work,
            "envelope",
            "open",
            "--dir",
            dir.toString(),
            "--sender-bundle",
            senderBundle.toString(),
            "--in",
            envelope.toString());
    assertUserError(open, reason);
    assertThat(open.stdout()).as("no message bytes on a failed open").isEmpty();
  }

  private static void assertUserError(Command command, String messagePart) {
    assertThat(command.exitCode()).as("%s", command).isEqualTo(1);
    assertThat(command.stderr()).startsWith("sealpost: ").contains(messagePart);
    assertThat(command.stderr().strip()).as("one line").doesNotContain("\n");
    assertThat(command.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  /** installation new, signed by ethers (the wallet), then installation link. */
  private Path linkJavaInstallation(String name, String account, String home, String walletKey)
      throws IOException {
    Path dir = work.resolve(name);
    Command created =
        Command.sealpost(
            work,
            "installation",
            "new",
            "--account",
            account,
            "--home",
            home,
            "--dir",
            dir.toString());
    assertThat(created.exitCode()).as("%s", created).isZero();
    Path text = Files.write(work.resolve(name + ".txt"), created.stdout());
    Command signature =
        Command.node(work, "sign-text", "--wallet-key", walletKey, "--text-file", text.toString());
    assertThat(signature.exitCode()).as("%s", signature).isZero();
    Command link =
        Command.sealpost(
            work,
            "installation",
            "link",
            "--dir",
            dir.toString(),
            "--signature",
            signature.stdoutText().strip());
    assertThat(link.exitCode()).as("%s", link).isZero();
    assertThat(new ObjectMapper().readTree(link.stdout()))
        .isEqualTo(new ObjectMapper().readTree(dir.resolve("bundle.json").toFile()));
    return dir;
  }

  private Path jsInstallation(String name, String account, String walletKey) {
    Path dir = work.resolve(name);
    Command created =
        Command.node(
            work,
            "keygen",
            "--dir",
            dir.toString(),
            "--account",
            account,
            "--home",
            "bob.example",
            "--wallet-key",
            walletKey);
    assertThat(created.exitCode()).as("%s", created).isZero();
    return dir;
  }

  private Path jsBundle(
      String reason, String account, String walletKey, Instant issuedAt, Instant expiresAt) {
    Path dir = work.resolve("bundles").resolve(reason);
    Command created =
        Command.node(
            work,
            "keygen",
            "--dir",
            dir.toString(),
            "--account",
            account,
            "--home",
            "bob.example",
            "--wallet-key",
            walletKey,
            "--issued-at",
            issuedAt.toString(),
            "--expires-at",
            expiresAt.toString());
    assertThat(created.exitCode()).as("%s", created).isZero();
    return dir.resolve("bundle.json");
  }

  /** A bundle whose wallet really signed an installation id that is not its keys' id. */
  private Path idMismatchBundle(Instant now) throws IOException {
    Path genuine = jsBundle("id-mismatch-source", BOB, BOB_KEY, now, now.plus(1, ChronoUnit.DAYS));
    ObjectNode bundle = (ObjectNode) new ObjectMapper().readTree(genuine.toFile());
    bundle.put("installation", "00".repeat(16));
    String text =
        String.join(
            "\n",
            "Sealpost wants you to link a new installation to your inbox.",
            "",
            "Account: " + bundle.get("account").asText(),
            "Home server: " + bundle.get("home").asText(),
            "Installation: " + bundle.get("installation").asText(),
            "Signing key: " + bundle.get("signingKey").asText(),
            "Encryption key: " + bundle.get("encryptionKey").asText(),
            "Issued at: " + bundle.get("issuedAt").asText(),
            "Expires at: " + bundle.get("expiresAt").asText());
    Path textFile =
        Files.writeString(work.resolve("id-mismatch.txt"), text, StandardCharsets.UTF_8);
    bundle.put(
        "walletSignature",
        Command.node(work, "sign-text", "--wallet-key", BOB_KEY, "--text-file", textFile.toString())
            .stdoutText()
            .strip());
    Path file =
        Files.createDirectories(work.resolve("bundles").resolve("id-mismatch"))
            .resolve("bundle.json");
    Files.writeString(file, bundle.toPrettyString());
    return file;
  }

  private Path editedBundle(String reason, String field, String value) throws IOException {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Path genuine =
        jsBundle(reason + "-" + field + "-source", BOB, BOB_KEY, now, now.plus(1, ChronoUnit.DAYS));
    ObjectNode bundle = (ObjectNode) new ObjectMapper().readTree(genuine.toFile());
    bundle.put(field, value);
    Path file =
        Files.createDirectories(
                work.resolve("bundles").resolve(reason + "-" + field).resolve(reason))
            .resolve("bundle.json");
    Files.writeString(file, bundle.toPrettyString());
    return file;
  }

  private static byte[] message() {
    String head =
        "From: 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266@alice.example\r\n"
            + "To: 0x70997970c51812dc3a010c7d01b50e0d17dc79c8@bob.example\r\n"
            + "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
            + "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHallo Bob, schöne Grüße!\r\n"
            + "--b\r\nContent-Type: application/octet-stream\r\n\r\n";
    byte[] text = head.getBytes(StandardCharsets.UTF_8);
    byte[] binary = new byte[256];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) i;
    }
    byte[] tail = "\r\n--b--\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[text.length + binary.length + tail.length];
    System.arraycopy(text, 0, all, 0, text.length);
    System.arraycopy(binary, 0, all, text.length, binary.length);
    System.arraycopy(tail, 0, all, text.length + binary.length, tail.length);
    return all;
  }
}
