package org.sealpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.SealpostClient;

/**
 * {@code sealpost up} and {@code sealpost account create}, as separate processes, as a user runs
 * them.
 */
class UpAccountIT {
  private static final String ALICE_KEY =
      "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  private static final String ALICE = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
  private static final String BOB_KEY =
      "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
  private static final String BOB = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

  @TempDir Path work;
  private Process up;

  @AfterEach
  void stop() throws InterruptedException {
    if (up != null) {
      up.destroy();
      up.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void accountsAreCreatedWithAWalletKeyOrAnExternalSignatureAndNoSecretIsStoredInTheClear()
      throws Exception {
    Path data = work.resolve("data");
    int httpPort = Command.freePort();
    int submissionsPort = Command.freePort();
    Command early =
        Command.sealpost(work, "account", "create", "--data", data.toString(), "--address", BOB);
    assertThat(early.exitCode()).isEqualTo(1);
    assertThat(early.stderr()).contains("no running 'sealpost up'");

    up =
        new ProcessBuilder(
                Command.LAUNCHER,
                "up",
                "--data",
                data.toString(),
                "--http-port",
                String.valueOf(httpPort),
                "--imap-port",
                String.valueOf(Command.freePort()),
                "--imaps-port",
                String.valueOf(Command.freePort()),
                "--submission-port",
                String.valueOf(Command.freePort()),
                "--submissions-port",
                String.valueOf(submissionsPort),
                "--smtp-port",
                String.valueOf(Command.freePort()))
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("up.log").toFile())
            .start();
    awaitFile(data.resolve("bridge").resolve("admin.json"));
    Path keyFile = Files.writeString(work.resolve("alice.key"), "0x" + ALICE_KEY + "\n");

    Command alice =
        Command.sealpost(
            work,
            "account",
            "create",
            "--data",
            data.toString(),
            "--wallet-key-file",
            keyFile.toString());
    Command text =
        Command.sealpost(work, "account", "create", "--data", data.toString(), "--address", BOB);
    Path textFile = Files.write(work.resolve("bob.txt"), text.stdout());
    String wrongSignature =
        Command.node(
                work, "sign-text", "--wallet-key", ALICE_KEY, "--text-file", textFile.toString())
            .stdoutText()
            .strip();
    Command refused =
        Command.sealpost(
            work,
            "account",
            "create",
            "--data",
            data.toString(),
            "--address",
            BOB,
            "--signature",
            wrongSignature);
    String rightSignature =
        Command.node(work, "sign-text", "--wallet-key", BOB_KEY, "--text-file", textFile.toString())
            .stdoutText()
            .strip();
    Command bob =
        Command.sealpost(
            work,
            "account",
            "create",
            "--data",
            data.toString(),
            "--address",
            BOB,
            "--signature",
            rightSignature);

    assertThat(alice.exitCode()).as("%s", alice).isZero();
    JsonNode aliceJson = new ObjectMapper().readTree(alice.stdout());
    assertThat(aliceJson.path("account").asText()).isEqualTo(ALICE);
    assertThat(aliceJson.path("mail").asText()).isEqualTo(ALICE + "@localhost");
    assertThat(aliceJson.path("password").asText()).matches("[a-z2-9]{5}(-[a-z2-9]{5}){3}");
    assertThat(aliceJson.path("imap").path("port").isInt()).isTrue();
    assertThat(aliceJson.path("smtp").path("security").asText()).isEqualTo("STARTTLS");
    assertThat(aliceJson.path("smtps").path("security").asText()).isEqualTo("SSL/TLS");
    assertThat(aliceJson.path("smtps").path("port").asInt()).isEqualTo(submissionsPort);
    assertThat(aliceJson.path("imap").path("security").asText()).isEqualTo("STARTTLS");
    assertThat(aliceJson.path("tls").path("sha256").asText())
        .matches("([0-9A-F]{2}:){31}[0-9A-F]{2}")
        .isEqualTo(fingerprintOf(data.resolve("bridge/tls/cert.pem")));
    assertThat(text.stdoutText())
        .startsWith("Sealpost wants you to link a new installation to your inbox.")
        .contains("Account: " + BOB);
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.stderr())
        .startsWith("sealpost: the signature is by " + ALICE + ", not by " + BOB);
    assertThat(bob.exitCode()).as("%s", bob).isZero();
    String bobPassword = new ObjectMapper().readTree(bob.stdout()).path("password").asText();

    SealpostClient client =
        new SealpostClient(URI.create("http://127.0.0.1:" + httpPort), Clock.systemUTC());
    assertThat(client.bundles(ALICE).bundles()).hasSize(1);
    assertThat(client.bundles(BOB).bundles()).hasSize(1);
    for (String secret :
        List.of(aliceJson.path("password").asText(), bobPassword, ALICE_KEY, BOB_KEY)) {
      assertThat(filesContaining(data, secret)).as("files holding a secret").isEmpty();
    }
  }

  @Test
  void unusableTlsFilesStopUpWithOneLine() throws Exception {
    Path data = work.resolve("data");
    Path garbage = Files.writeString(work.resolve("garbage.pem"), "not a certificate\n");
    Command up =
        Command.sealpost(
            work,
            "up",
            "--data",
            data.toString(),
            "--http-port",
            String.valueOf(Command.freePort()),
            "--tls-cert",
            garbage.toString(),
            "--tls-key",
            work.resolve("missing-key.pem").toString());
    Command half =
        Command.sealpost(work, "up", "--data", data.toString(), "--tls-cert", garbage.toString());

    assertThat(up.exitCode()).isEqualTo(1);
    assertThat(up.stderr())
        .isEqualTo(
            "sealpost: "
                + garbage
                + ": no certificate found (expected PEM: -----BEGIN CERTIFICATE-----)\n");
    assertThat(half.exitCode()).isEqualTo(1);
    assertThat(half.stderr())
        .isEqualTo("sealpost: --tls-cert needs --tls-key (the private key of that certificate)\n");
  }

  /** What {@code openssl x509 -fingerprint -sha256} prints, after the '='. */
  private static String fingerprintOf(Path certificate) throws Exception {
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "x509",
                "-noout",
                "-fingerprint",
                "-sha256",
                "-in",
                certificate.toString())
            .start();
    String out = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertThat(openssl.waitFor()).isZero();
    return out.strip().substring(out.indexOf('=') + 1);
  }

  private static List<Path> filesContaining(Path dir, String secret) throws IOException {
    byte[] needle = secret.getBytes(StandardCharsets.US_ASCII);
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(f -> contains(f, needle)).toList();
    }
  }

  private static boolean contains(Path file, byte[] needle) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      outer:
      for (int i = 0; i + needle.length <= bytes.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (bytes[i + j] != needle[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private static void awaitFile(Path file) throws InterruptedException {
    for (int i = 0; i < 600 && !Files.exists(file); i++) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
    assertThat(file).exists();
  }
}
