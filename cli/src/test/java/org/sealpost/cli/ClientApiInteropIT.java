package org.sealpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.InboxEntry;
import org.sealpost.client.InstallationSession;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.envelope.Author;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.identity.envelope.EnvelopeOpener;
import org.sealpost.identity.envelope.EnvelopeSealer;
import org.sealpost.identity.envelope.OpenedEnvelope;
import org.sealpost.identity.envelope.SenderCheck;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.BundleVerifier;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.LinkStatement;
import org.sealpost.identity.wallet.WalletKey;
import org.sealpost.server.HomeServer;
import org.sealpost.server.config.ConfigLoader;
import org.sealpost.wire.BundleJson;

/**
 * The home server's client API against the independent JavaScript client (interop/js, written from
 * PROTOCOL.md alone): linking, publishing, reading, streaming, revoking and consent, with envelopes
 * crossing between the two implementations in both directions.
 */
class ClientApiInteropIT {
  private static final String DOMAIN = "localhost";
  private static final String ALICE_KEY =
      "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  private static final String BOB_KEY =
      "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
  private static final String CAROL_KEY =
      "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdf443a6";
  private static final Clock CLOCK = Clock.systemUTC();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;
  private static HomeServer server;
  private static String url;
  private static SealpostClient client;

  @BeforeAll
  static void startServer() throws Exception {
    server =
        HomeServer.start(
            new ConfigLoader()
                .set("data-dir", work.resolve("server").toString(), "test")
                .set("domain", DOMAIN, "test")
                .set("http.port", "0", "test")
                .load(),
            CLOCK);
    url = "http://127.0.0.1:" + server.httpPort();
    client = new SealpostClient(URI.create(url), CLOCK);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void theIndependentClientLinksPublishesAndJavaOpensWithAVerifiedSender() throws Exception {
    Path aliceJs = jsInstallation("alice-js", ALICE_KEY);
    JavaInstallation bob = javaInstallation(BOB_KEY);
    Path bobBundle =
        Files.writeString(work.resolve("bob-bundle.json"), BundleJson.toJson(bob.bundle()));
    Path message =
        Files.write(
            work.resolve("a2b.eml"),
            "Subject: from js\r\n\r\nHallo!\r\n".getBytes(StandardCharsets.UTF_8));
    Path envelope = work.resolve("a2b.bin");

    Command linked = Command.node(work, "api-link", "--server", url, "--dir", aliceJs.toString());
    Command sealed =
        Command.node(
            work,
            "seal",
            "--dir",
            aliceJs.toString(),
            "--to",
            bobBundle.toString(),
            "--in",
            message.toString(),
            "--out",
            envelope.toString());
    Command published =
        Command.node(
            work,
            "api-publish",
            "--server",
            url,
            "--dir",
            aliceJs.toString(),
            "--in",
            envelope.toString());

    assertThat(linked.exitCode()).as("%s", linked).isZero();
    assertThat(linked.stdoutText()).startsWith("201 ");
    assertThat(sealed.exitCode()).as("%s", sealed).isZero();
    assertThat(published.exitCode()).as("%s", published).isZero();
    assertThat(JSON.readTree(published.stdout()).path("status").asText()).isEqualTo("stored");
    List<InboxEntry> inbox = bob.session().inbox(Optional.empty(), 10).entries();
    assertThat(inbox).hasSize(1);
    OpenedEnvelope opened = open(bob, inbox.get(0).envelope());
    assertThat(opened.mime()).isEqualTo(Files.readAllBytes(message));
    assertThat(opened.sender()).isInstanceOf(SenderCheck.Verified.class);
  }

  @Test
  void javaPublishesAndTheIndependentClientReadsStreamsAndOpens() throws Exception {
    Path carolJs = jsInstallation("carol-js", CAROL_KEY);
    assertThat(
            Command.node(work, "api-link", "--server", url, "--dir", carolJs.toString()).exitCode())
        .isZero();
    JavaInstallation alice = javaInstallation(ALICE_KEY);
    String carol = WalletKey.parse(CAROL_KEY).account().canonical();
    Path aliceBundle =
        Files.writeString(work.resolve("alice-bundle.json"), BundleJson.toJson(alice.bundle()));
    Command served =
        Command.node(
            work,
            "api-bundles",
            "--server",
            url,
            "--account",
            WalletKey.parse(CAROL_KEY).account().checksummed() + "@" + DOMAIN);
    assertThat(served.exitCode()).as("%s", served).isZero();

    CompletableFuture<Command> stream =
        CompletableFuture.supplyAsync(
            () ->
                Command.node(
                    work,
                    "api-stream",
                    "--server",
                    url,
                    "--dir",
                    carolJs.toString(),
                    "--count",
                    "2",
                    "--timeout-ms",
                    "20000"));
    byte[] first = "Subject: one\r\n\r\n1\r\n".getBytes(StandardCharsets.UTF_8);
    byte[] second = "Subject: two\r\n\r\n2\r\n".getBytes(StandardCharsets.UTF_8);
    String firstId = alice.session().publish(sealTo(alice, carol, first), Optional.empty()).id();
    TimeUnit.MILLISECONDS.sleep(300);
    String secondId = alice.session().publish(sealTo(alice, carol, second), Optional.empty()).id();
    Command streamed = stream.get(30, TimeUnit.SECONDS);
    Command fetched =
        Command.node(
            work,
            "api-fetch-open",
            "--server",
            url,
            "--dir",
            carolJs.toString(),
            "--sender-bundle",
            aliceBundle.toString());

    assertThat(streamed.exitCode()).as("%s", streamed).isZero();
    List<String> streamedIds =
        streamed.stdoutText().lines().map(l -> readTree(l).path("envelopeId").asText()).toList();
    assertThat(streamedIds).containsExactly(firstId, secondId);
    assertThat(fetched.exitCode()).as("%s", fetched).isZero();
    List<JsonNode> lines = fetched.stdoutText().lines().map(ClientApiInteropIT::readTree).toList();
    assertThat(lines).hasSize(3);
    assertThat(Base64.getDecoder().decode(lines.get(0).path("mimeBase64").asText()))
        .isEqualTo(first);
    assertThat(Base64.getDecoder().decode(lines.get(1).path("mimeBase64").asText()))
        .isEqualTo(second);
    assertThat(lines.get(2).path("next").asText()).isNotEmpty();
  }

  @Test
  void consentAndRevocationFromTheIndependentClientTakeEffect() throws Exception {
    Path daveJs =
        jsInstallation(
            "dave-js", "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6");
    assertThat(
            Command.node(work, "api-link", "--server", url, "--dir", daveJs.toString()).exitCode())
        .isZero();
    JavaInstallation alice = javaInstallation(ALICE_KEY);
    String dave = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";

    Command denied =
        Command.node(
            work,
            "api-consent",
            "--server",
            url,
            "--dir",
            daveJs.toString(),
            "--kind",
            "sender",
            "--subject",
            alice.account().canonical(),
            "--state",
            "deny");
    alice
        .session()
        .publish(
            sealTo(alice, dave, "Subject: spam\r\n\r\n".getBytes(StandardCharsets.UTF_8)),
            Optional.empty());
    Command inbox = Command.node(work, "api-inbox", "--server", url, "--dir", daveJs.toString());
    Command badSignature =
        Command.node(
            work,
            "api-request",
            "--server",
            url,
            "--dir",
            daveJs.toString(),
            "--method",
            "GET",
            "--path",
            "/v1/inbox",
            "--tamper-signature");
    Command revoked =
        Command.node(
            work,
            "api-revoke",
            "--server",
            url,
            "--wallet-key",
            "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
            "--dir",
            daveJs.toString());
    Command afterRevocation =
        Command.node(work, "api-inbox", "--server", url, "--dir", daveJs.toString());

    assertThat(denied.exitCode()).as("%s", denied).isZero();
    assertThat(JSON.readTree(denied.stdout()).path("state").asText()).isEqualTo("deny");
    assertThat(inbox.exitCode()).as("%s", inbox).isZero();
    assertThat(JSON.readTree(inbox.stdout()).path("envelopes")).isEmpty();
    assertThat(badSignature.stdoutText()).startsWith("401 ").contains("bad_signature");
    assertThat(revoked.exitCode()).as("%s", revoked).isZero();
    assertThat(afterRevocation.exitCode()).isEqualTo(3);
    assertThat(afterRevocation.stderr()).startsWith("http 401 unknown_installation");
  }

  record JavaInstallation(
      WalletKey wallet, InstallationKeys keys, Bundle bundle, InstallationSession session) {
    Account account() {
      return wallet.account();
    }
  }

  private static JavaInstallation javaInstallation(String walletKey) throws Exception {
    WalletKey wallet = WalletKey.parse(walletKey);
    InstallationKeys keys = InstallationKeys.generate(RANDOM);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    LinkStatement statement =
        LinkStatement.forKeys(
            wallet.account(), Domain.parse(DOMAIN), keys, now, now.plus(Duration.ofDays(1)));
    Bundle bundle = new Bundle(statement, wallet.signPersonal(statement.text()));
    client.link(bundle);
    return new JavaInstallation(wallet, keys, bundle, client.as(keys));
  }

  private static Envelope sealTo(JavaInstallation from, String recipient, byte[] mime) {
    List<Bundle> bundles = client.bundles(recipient).bundles();
    return new EnvelopeSealer(CLOCK, RANDOM)
        .seal(new Author.Installation(from.account(), from.keys()), bundles, mime);
  }

  private static OpenedEnvelope open(JavaInstallation reader, Envelope envelope) throws Exception {
    return new EnvelopeOpener(reader.account(), reader.keys(), new BundleVerifier(CLOCK))
        .open(
            envelope,
            (sender, installation) ->
                client.bundles(sender.canonical()).bundles().stream()
                    .filter(b -> b.installation().equals(installation))
                    .findFirst());
  }

  private static Path jsInstallation(String name, String walletKey) {
    Path dir = work.resolve(name);
    String account = "0x" + "0".repeat(40);
    try {
      account = WalletKey.parse(walletKey).account().canonical();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    Command created =
        Command.node(
            work,
            "keygen",
            "--dir",
            dir.toString(),
            "--account",
            account,
            "--home",
            DOMAIN,
            "--wallet-key",
            walletKey);
    assertThat(created.exitCode()).as("%s", created).isZero();
    return dir;
  }

  private static JsonNode readTree(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new AssertionError(line, e);
    }
  }
}
