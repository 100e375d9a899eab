package org.sealpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.bridge.BridgeAccount;
import org.sealpost.bridge.BridgeAccounts;
import org.sealpost.client.ApiException;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.Account;
import org.sealpost.identity.installation.InstallationKeys;

/**
 * {@code sealpost bridge} on its own, as on a laptop: {@code sealpost server} runs in one data
 * directory, the bridge in another, and the account's keys live only with the bridge.
 */
class StandaloneBridgeIT {
  private static final String ALICE_KEY =
      "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  private static final String BOB_KEY =
      "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

  @TempDir Path work;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (Process process : processes) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  @Test
  void aBridgeAgainstARemoteServerKeepsTheKeysAndReadsAndSendsMail() throws Exception {
    Tools.assumeInstalled("swaks", "swaks");
    Path serverData = work.resolve("server-data");
    Path bridgeData = work.resolve("laptop-data");
    int httpPort = Command.freePort();
    int imapPort = Command.freePort();
    int submissionPort = Command.freePort();
    String serverUrl = "http://127.0.0.1:" + httpPort;
    start("server.log", "server", "--data", serverData.toString(), "--http-port", "" + httpPort);
    awaitServer(serverUrl);
    Path bridgeLog = work.resolve("bridge.log");
    Process bridge =
        start(
            "bridge.log",
            "bridge",
            "--server",
            serverUrl,
            "--data",
            bridgeData.toString(),
            "--imap-port",
            "" + imapPort,
            "--imaps-port",
            "" + Command.freePort(),
            "--submission-port",
            "" + submissionPort);
    Path adminFile = bridgeData.resolve("bridge").resolve("admin.json");
    awaitBridge(bridge, bridgeLog, adminFile, imapPort);

    Path keyFile = Files.writeString(work.resolve("alice.key"), ALICE_KEY + "\n");
    Command created =
        Command.sealpost(
            work,
            "account",
            "create",
            "--data",
            bridgeData.toString(),
            "--wallet-key-file",
            keyFile.toString());
    assertThat(created.exitCode()).as("account create: %s", created).isZero();
    JsonNode alice = new ObjectMapper().readTree(created.stdout());
    String mail = alice.path("mail").asText();
    String password = alice.path("password").asText();
    assertThat(mail).endsWith("@localhost"); // the domain the server announced
    assertThat(alice.path("imap").path("port").asInt()).isEqualTo(imapPort);

    IndependentSender bob = IndependentSender.link(work, serverUrl, "bob", BOB_KEY);
    TestMail sent =
        new TestMail(
            "Bob <" + bob.mail() + ">",
            mail,
            "Through a bridge of your own",
            "Hello Alice,\r\nthis went through your laptop's bridge.\r\n",
            "<p>Hello Alice, this went through your laptop's bridge.</p>",
            "note.bin",
            "attached".getBytes(StandardCharsets.US_ASCII));
    bob.send(mail, sent.mime());
    // Bob is a verified sender Alice has not decided on yet: his mail waits in Requests
    ImapProbe.awaitSubject(imapPort, mail, password, "Requests", sent.subject());
    Store store = ImapProbe.connect(imapPort, mail, password);
    try {
      Folder requests = store.getFolder("Requests");
      requests.open(Folder.READ_ONLY);
      Message received =
          Arrays.stream(requests.getMessages())
              .filter(m -> subjectOf(m).equals(sent.subject()))
              .findFirst()
              .orElseThrow();
      assertThat(TestMail.read(TestMail.parse(bytesOf(received))).text()).isEqualTo(sent.text());
    } finally {
      store.close();
    }

    // mail sent from the laptop: sealed by the bridge, committed on the server before swaks hears
    // 250, and opened there by Bob's independent implementation
    Command submitted =
        Command.run(
            work,
            List.of(
                "swaks",
                "--server",
                "127.0.0.1:" + submissionPort,
                "--auth",
                "PLAIN",
                "--auth-user",
                mail,
                "--auth-password",
                password,
                "--from",
                mail,
                "--to",
                bob.mail(),
                "--header",
                "Subject: Sent from the laptop",
                "--body",
                "Sealed before it left this machine."));
    assertThat(submitted.exitCode()).as("swaks: %s", submitted).isZero();
    assertThat(openedByBob(serverUrl, alice.path("account").asText()))
        .anySatisfy(
            mime ->
                assertThat(mime)
                    .contains("Subject: Sent from the laptop")
                    .contains("Sealed before it left this machine."));

    // the installation the server publishes for Alice is the one whose keys the laptop holds
    Account account = Account.parse(alice.path("account").asText());
    BridgeAccount kept = new BridgeAccounts(bridgeData).find(account).orElseThrow();
    InstallationKeys keys = kept.installation().unlock(password.toCharArray());
    SealpostClient client = new SealpostClient(URI.create(serverUrl), Clock.systemUTC());
    assertThat(client.bundles(account.canonical()).bundles())
        .singleElement()
        .satisfies(bundle -> assertThat(bundle.installation()).isEqualTo(keys.id()));
    assertThat(bridgeData.resolve("bridge/accounts/" + account.canonical() + ".json"))
        .isRegularFile();
    assertThat(serverData.resolve("bridge")).doesNotExist();
    for (Path dir : List.of(serverData, bridgeData)) {
      assertThat(FilesHolding.find(dir, keys.encryptionPrivateKey()))
          .as("files in %s holding the private key in the clear", dir)
          .isEmpty();
    }
    byte[] lockedKeys =
        Base64.getEncoder()
            .encodeToString(kept.installation().box())
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(FilesHolding.find(bridgeData, lockedKeys))
        .containsExactly(bridgeData.resolve("bridge/accounts/" + account.canonical() + ".json"));
    assertThat(FilesHolding.find(serverData, lockedKeys)).isEmpty();
    assertThat(FilesHolding.find(serverData, kept.installation().box())).isEmpty();

    bridge.destroy(); // SIGTERM, as Ctrl-C
    assertThat(bridge.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(adminFile).as("the admin channel closed with the bridge").doesNotExist();
  }

  @Test
  void aServerThatIsNotThereOrNotSealpostStopsTheBridgeWithOneLine() throws Exception {
    String nobody = "http://127.0.0.1:" + Command.freePort();
    Command unreachable =
        Command.sealpost(
            work, "bridge", "--server", nobody, "--data", work.resolve("a").toString());

    HttpServer web =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    web.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(404, -1);
          exchange.close();
        });
    web.start();
    String website = "http://127.0.0.1:" + web.getAddress().getPort();
    Command notSealpost;
    try {
      notSealpost =
          Command.sealpost(
              work, "bridge", "--server", website, "--data", work.resolve("b").toString());
    } finally {
      web.stop(0);
    }

    assertThat(unreachable.exitCode()).isEqualTo(1);
    assertThat(unreachable.stderr())
        .isEqualTo(
            "sealpost: cannot reach the home server at "
                + nobody
                + " (connection refused); is it running and is the URL right?\n");
    assertThat(notSealpost.exitCode()).isEqualTo(1);
    assertThat(notSealpost.stderr())
        .isEqualTo(
            "sealpost: "
                + website
                + " is not a Sealpost home server: /.well-known/sealpost answered HTTP 404\n");
    assertThat(work.resolve("a")).doesNotExist();
  }

  /**
   * The messages in Bob's inbox that Alice's installation signed, as Bob's own client opens them.
   */
  private List<String> openedByBob(String serverUrl, String aliceAccount) throws IOException {
    Command bundles =
        Command.node(work, "api-bundles", "--server", serverUrl, "--account", aliceAccount);
    assertThat(bundles.exitCode()).as("api-bundles: %s", bundles).isZero();
    Path aliceBundle =
        Files.writeString(
            work.resolve("alice-bundle.json"),
            new ObjectMapper().readTree(bundles.stdout()).path("bundles").get(0).toString());
    Command opened =
        Command.node(
            work,
            "api-fetch-open",
            "--server",
            serverUrl,
            "--dir",
            work.resolve("bob").toString(), // where IndependentSender.link keeps Bob's keys
            "--sender-bundle",
            aliceBundle.toString());
    assertThat(opened.exitCode()).as("api-fetch-open: %s", opened).isZero();
    List<String> messages = new ArrayList<>();
    for (String line : opened.stdoutText().split("\n")) {
      JsonNode entry = new ObjectMapper().readTree(line);
      if (entry.has("mimeBase64")) {
        messages.add(
            new String(
                Base64.getDecoder().decode(entry.path("mimeBase64").asText()),
                StandardCharsets.UTF_8));
      }
    }
    return messages;
  }

  private Process start(String log, String... args) throws IOException {
    Process process =
        new ProcessBuilder(Command.args(Command.LAUNCHER, args))
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(log).toFile())
            .start();
    processes.add(process);
    return process;
  }

  private static void awaitServer(String url) throws InterruptedException {
    SealpostClient client = new SealpostClient(URI.create(url), Clock.systemUTC());
    for (int i = 0; i < 600; i++) {
      try {
        client.serverInfo();
        return;
      } catch (ApiException notYet) {
        TimeUnit.MILLISECONDS.sleep(200);
      }
    }
    throw new AssertionError("sealpost server not answering at " + url);
  }

  private static void awaitBridge(Process bridge, Path log, Path adminFile, int imapPort)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!bridge.isAlive()) {
        throw new AssertionError("sealpost bridge exited early:\n" + Files.readString(log));
      }
      if (Files.exists(adminFile) && accepts(imapPort)) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new AssertionError("sealpost bridge not ready after 120 s:\n" + Files.readString(log));
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String subjectOf(Message message) {
    try {
      return String.valueOf(message.getSubject());
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] bytesOf(Message message) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    message.writeTo(out);
    return out.toByteArray();
  }
}
