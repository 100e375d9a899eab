package org.sealpost.bridge.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.event.MessageCountAdapter;
import jakarta.mail.event.MessageCountEvent;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayOutputStream;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.bridge.BridgeAccounts;
import org.sealpost.bridge.BridgePassword;
import org.sealpost.bridge.Enrollment;
import org.sealpost.bridge.OwnCopy;
import org.sealpost.client.ApiSenderDirectory;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.envelope.Author;
import org.sealpost.identity.envelope.EnvelopeOpenException;
import org.sealpost.identity.envelope.EnvelopeOpener;
import org.sealpost.identity.envelope.EnvelopeSealer;
import org.sealpost.identity.envelope.OpenedEnvelope;
import org.sealpost.identity.envelope.SenderDirectory;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.BundleVerifier;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.LinkStatement;
import org.sealpost.identity.secret.PassphraseBox;
import org.sealpost.identity.wallet.WalletKey;
import org.sealpost.server.HomeServer;
import org.sealpost.server.config.ConfigLoader;

/**
 * The IMAP bridge against a real home server, with Jakarta Mail and python3 imaplib: reading, IDLE,
 * sender display, and consent (filing by decisions, moves out of Requests deciding).
 */
class ImapBridgeIT {
  static final String DOMAIN = "home.test";
  static final String BOB_KEY = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  static final String ALICE_KEY =
      "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
  static final Clock CLOCK = Clock.systemUTC();
  static final SecureRandom RANDOM = new SecureRandom();

  @TempDir static Path data;
  static HomeServer home;
  static SealpostClient client;
  static ImapBridge bridge;
  static URI homeUrl;
  static String bobMail;
  static String bobPassword;
  static WalletKey alice;
  static InstallationKeys aliceKeys;

  /** A second installation of Bob's, held by the test: it reads and makes consent decisions. */
  static InstallationKeys bobKeys;

  @BeforeAll
  static void start() throws Exception {
    home =
        HomeServer.start(
            new ConfigLoader()
                .set("data-dir", data.toString(), "test")
                .set("domain", DOMAIN, "test")
                .set("http.port", "0", "test")
                .set("http.shutdown-grace-seconds", "1", "test")
                .set("limits.installation-burst", "200", "test")
                .load(),
            CLOCK);
    URI url = URI.create("http://127.0.0.1:" + home.httpPort());
    homeUrl = url;
    client = new SealpostClient(url, CLOCK);

    WalletKey bob = WalletKey.parse(BOB_KEY);
    Enrollment enrollment =
        new Enrollment(
            Domain.parse(DOMAIN),
            client,
            new BridgeAccounts(data),
            CLOCK,
            RANDOM,
            new BridgePassword(1024, 1),
            new PassphraseBox(1024, 1, 1));
    String text = enrollment.prepare(bob.account());
    Enrollment.Credentials credentials = enrollment.complete(bob.account(), bob.signPersonal(text));
    bobMail = credentials.mail().toString();
    bobPassword = new String(credentials.password());

    alice = WalletKey.parse(ALICE_KEY);
    aliceKeys = link(alice);
    bobKeys = link(bob);
    // Bob allows Alice (from his other installation), so her mail is filed in INBOX.
    client
        .as(bobKeys)
        .decide(
            "sender",
            alice.account().canonical(),
            "allow",
            Instant.now().truncatedTo(ChronoUnit.SECONDS));

    bridge = ImapBridge.start(new ImapBridge.Settings(data, "127.0.0.1", 0, url), CLOCK);
    // Published before anyone logs in: the sync reads the inbox from the start after login.
    publishToBob("Hello from Alice", "The body of the first message.", true);
  }

  @AfterAll
  static void stop() {
    if (bridge != null) {
      bridge.close();
    }
    if (home != null) {
      home.close();
    }
  }

  /** Links a new installation of {@code wallet} on the home server. */
  static InstallationKeys link(WalletKey wallet) throws Exception {
    InstallationKeys keys = InstallationKeys.generate(RANDOM);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    LinkStatement statement =
        LinkStatement.forKeys(
            wallet.account(), Domain.parse(DOMAIN), keys, now, now.plus(Duration.ofDays(1)));
    client.link(new Bundle(statement, wallet.signPersonal(statement.text())));
    return keys;
  }

  static String aliceMail() {
    return alice.account().canonical() + "@" + DOMAIN;
  }

  static void publishToBob(String subject, String body, boolean attachment) {
    publishToBob(
        subject, body, attachment, "Alice <" + alice.account().checksummed() + "@" + DOMAIN + ">");
  }

  static void publishToBob(String subject, String body, boolean attachment, String from) {
    publishToBob(alice, aliceKeys, subject, body, attachment, from);
  }

  static void publishToBob(
      WalletKey sender,
      InstallationKeys senderKeys,
      String subject,
      String body,
      boolean attachment,
      String from) {
    String boundary = "b-" + System.nanoTime();
    StringBuilder mime = new StringBuilder();
    // From claims the checksummed address: the bridge must show the verified canonical one.
    mime.append("From: " + from + "\r\n")
        .append("To: " + bobMail + "\r\n")
        .append("Subject: " + subject + "\r\n")
        .append("Message-ID: <" + System.nanoTime() + "@test>\r\n")
        .append("MIME-Version: 1.0\r\n");
    if (attachment) {
      mime.append("Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n")
          .append("--" + boundary + "\r\n")
          .append("Content-Type: text/plain; charset=utf-8\r\n\r\n")
          .append(body + "\r\n")
          .append("--" + boundary + "\r\n")
          .append("Content-Type: application/octet-stream; name=\"notes.bin\"\r\n")
          .append("Content-Disposition: attachment; filename=\"notes.bin\"\r\n")
          .append("Content-Transfer-Encoding: base64\r\n\r\n")
          .append(Base64.getMimeEncoder().encodeToString(attachmentBytes()) + "\r\n")
          .append("--" + boundary + "--\r\n");
    } else {
      mime.append("Content-Type: text/plain; charset=utf-8\r\n\r\n").append(body + "\r\n");
    }
    List<Bundle> bundles = client.bundles(bobMail).bundles();
    var envelope =
        new EnvelopeSealer(CLOCK, RANDOM)
            .seal(
                new Author.Installation(sender.account(), senderKeys),
                bundles,
                mime.toString().getBytes(StandardCharsets.UTF_8));
    client.as(senderKeys).publish(envelope, Optional.empty());
  }

  static byte[] attachmentBytes() {
    byte[] bytes = new byte[300];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 7);
    }
    return bytes;
  }

  static Store connect(String user, String password) throws Exception {
    Properties props = new Properties();
    props.put("mail.imap.host", "127.0.0.1");
    props.put("mail.imap.port", String.valueOf(bridge.port()));
    props.put("mail.imap.connectiontimeout", "5000");
    props.put("mail.imap.timeout", "10000");
    Store store = Session.getInstance(props).getStore("imap");
    store.connect(user, password);
    return store;
  }

  static Message[] awaitMessages(Folder folder, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (folder.getMessageCount() < count && System.nanoTime() < deadline) {
      Thread.sleep(100);
      folder.getMessageCount(); // NOOP-like refresh
    }
    return folder.getMessages();
  }

  @Test
  void aClientReadsVerifiedMailWithAttachmentAndIsToldOfNewMailInIdle() throws Exception {
    Store store = connect(bobMail, bobPassword);
    try {
      List<String> names =
          Arrays.stream(store.getDefaultFolder().list("*")).map(Folder::getFullName).toList();
      assertThat(names).containsAll(ImapBridge.FOLDERS);

      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_WRITE);
      Message[] messages = awaitMessages(inbox, 1);
      assertThat(messages).isNotEmpty();
      Message first = messages[0];
      // the sender's own From names the verified address (checksummed): kept, with its name
      assertThat(((InternetAddress) first.getFrom()[0]).getAddress())
          .isEqualToIgnoringCase(aliceMail());
      assertThat(first.getSubject()).isEqualTo("Hello from Alice");
      assertThat(first.getHeader("X-Sealpost-Sender")[0]).startsWith("verified " + aliceMail());
      Multipart parts = (Multipart) first.getContent();
      assertThat(parts.getCount()).isEqualTo(2);
      assertThat(((String) parts.getBodyPart(0).getContent()).trim())
          .isEqualTo("The body of the first message.");
      Part attachment = parts.getBodyPart(1);
      assertThat(attachment.getDisposition()).isEqualToIgnoringCase(Part.ATTACHMENT);
      assertThat(attachment.getFileName()).isEqualTo("notes.bin");
      ByteArrayOutputStream content = new ByteArrayOutputStream();
      attachment.getInputStream().transferTo(content);
      assertThat(content.toByteArray()).isEqualTo(attachmentBytes());

      // IDLE on a second connection (another LOGIN: served from the verified-password cache)
      Store idleStore = connect(bobMail, bobPassword);
      try {
        IMAPFolder idling = (IMAPFolder) idleStore.getFolder("INBOX");
        idling.open(Folder.READ_ONLY);
        int before = idling.getMessageCount();
        CountDownLatch told = new CountDownLatch(1);
        idling.addMessageCountListener(
            new MessageCountAdapter() {
              @Override
              public void messagesAdded(MessageCountEvent e) {
                told.countDown();
              }
            });
        Thread idler =
            new Thread(
                () -> {
                  try {
                    while (told.getCount() > 0) {
                      idling.idle(true);
                    }
                  } catch (Exception e) {
                    // the folder closes at the end of the test
                  }
                });
        idler.setDaemon(true);
        idler.start();
        Thread.sleep(500); // let IDLE start
        long sent = System.nanoTime();
        publishToBob("Second", "pushed while idle", false);
        assertThat(told.await(5, TimeUnit.SECONDS)).as("EXISTS while idle").isTrue();
        System.out.printf(
            "IDLE told of new mail after %d ms%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
        assertThat(idling.getMessageCount()).isEqualTo(before + 1);
      } finally {
        idleStore.close();
      }
    } finally {
      store.close();
    }
  }

  @Test
  void theBareAccountLogsInToTheSameMailboxAndAForgedFromIsReplaced() throws Exception {
    publishToBob("Forged", "claims to be the CEO", false, "CEO <ceo@bank.example>");
    Store store = connect(WalletKey.parse(BOB_KEY).account().canonical(), bobPassword);
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      Message forged = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (forged == null && System.nanoTime() < deadline) {
        for (Message m : inbox.getMessages()) {
          if ("Forged".equals(m.getSubject())) {
            forged = m;
          }
        }
        Thread.sleep(100);
      }
      assertThat(forged).as("the forged message arrives").isNotNull();
      assertThat(forged.getFrom()[0].toString()).isEqualTo(aliceMail());
      assertThat(forged.getHeader("X-Sealpost-Original-From")[0])
          .isEqualTo("CEO <ceo@bank.example>");
    } finally {
      store.close();
    }
  }

  @Test
  void aWrongPasswordIsRefused() {
    assertThatThrownBy(() -> connect(bobMail, "wrong-password"))
        .isInstanceOf(AuthenticationFailedException.class)
        .hasMessageContaining("failed");
    assertThatThrownBy(() -> connect("0x" + "1".repeat(40) + "@" + DOMAIN, bobPassword))
        .isInstanceOf(AuthenticationFailedException.class);
  }

  @Test
  void pythonImaplibFetchesABodyAndSeesSpecialUse() throws Exception {
    // make sure the first message is there (another test may not have run yet)
    Store store = connect(bobMail, bobPassword);
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      assertThat(awaitMessages(inbox, 1)).isNotEmpty();
    } finally {
      store.close();
    }
    Path script = Path.of("src/test/resources/imap_fetch.py").toAbsolutePath();
    Process process =
        new ProcessBuilder(
                "python3", script.toString(), String.valueOf(bridge.port()), bobMail, bobPassword)
            .redirectErrorStream(true)
            .start();
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    System.out.println(out);
    assertThat(process.exitValue()).as(out).isZero();
    assertThat(out)
        .contains("IDLE", "UIDPLUS", "MOVE", "SPECIAL-USE", "CONDSTORE", "ENABLE", "NAMESPACE")
        .contains("LITERAL+")
        .contains("\\Sent", "\\Drafts", "\\Trash", "\\Junk", "\\Archive")
        .contains("Subject: Hello from Alice", "X-Sealpost-Sender: verified " + aliceMail())
        .contains("The body of the first");
    assertThat(Files.exists(script)).isTrue();
  }

  @Test
  void aStoreTakesANewModseqThatChangedSinceFinds() throws Exception {
    Store store = connect(bobMail, bobPassword);
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      assertThat(awaitMessages(inbox, 1)).isNotEmpty();
    } finally {
      store.close();
    }
    Path script = Path.of("src/test/resources/imap_condstore.py").toAbsolutePath();
    Process process =
        new ProcessBuilder(
                "python3", script.toString(), String.valueOf(bridge.port()), bobMail, bobPassword)
            .redirectErrorStream(true)
            .start();
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    System.out.println(out);
    assertThat(process.exitValue()).as(out).isZero();
    assertThat(out).contains("CHANGED", "MODSEQ");
  }

  @Test
  void movingOutOfRequestsAllowsOrDeniesTheSender() throws Exception {
    WalletKey carol = WalletKey.parse(HexFormat.of().formatHex(RANDOM.generateSeed(32)));
    WalletKey dave = WalletKey.parse(HexFormat.of().formatHex(RANDOM.generateSeed(32)));
    InstallationKeys carolKeys = link(carol);
    InstallationKeys daveKeys = link(dave);
    String carolFrom = carol.account().canonical() + "@" + DOMAIN;
    String daveFrom = dave.account().canonical() + "@" + DOMAIN;
    publishToBob(carol, carolKeys, "Carol asks", "first contact", false, carolFrom);
    publishToBob(dave, daveKeys, "Dave asks", "first contact too", false, daveFrom);
    Store store = connect(bobMail, bobPassword);
    try {
      IMAPFolder requests = (IMAPFolder) store.getFolder("Requests");
      requests.open(Folder.READ_WRITE);
      Message carolFirst = awaitSubject(requests, "Carol asks");
      Message daveFirst = awaitSubject(requests, "Dave asks");
      assertThat(carolFirst).as("a new verified sender lands in Requests").isNotNull();
      assertThat(daveFirst).isNotNull();

      Folder inbox = store.getFolder("INBOX");
      requests.moveMessages(new Message[] {carolFirst}, inbox);
      assertThat(client.as(bobKeys).consent())
          .anyMatch(
              d ->
                  d.kind().equals("sender")
                      && d.subject().equalsIgnoreCase(carol.account().canonical())
                      && d.state().equals("allow"));

      requests.moveMessages(new Message[] {daveFirst}, store.getFolder("Junk"));
      assertThat(client.as(bobKeys).consent())
          .anyMatch(
              d ->
                  d.kind().equals("sender")
                      && d.subject().equalsIgnoreCase(dave.account().canonical())
                      && d.state().equals("deny"));

      publishToBob(carol, carolKeys, "Carol again", "now allowed", false, carolFrom);
      inbox.open(Folder.READ_ONLY);
      assertThat(awaitSubject(inbox, "Carol again"))
          .as("the allowed sender's next message lands in INBOX")
          .isNotNull();
      assertThat(Arrays.stream(inbox.getMessages()).map(ImapBridgeIT::subject))
          .contains("Carol asks");
      assertThat(Arrays.stream(requests.getMessages()).map(ImapBridgeIT::subject))
          .doesNotContain("Carol asks", "Carol again", "Dave asks");
    } finally {
      store.close();
    }
  }

  @Test
  void aRestartKeepsUidValidityUidsFlagsAndFoldersAndResumesTheSync() throws Exception {
    publishToBob("Before restart", "kept across a restart", false);
    long validity;
    long uidNext;
    Map<Long, String> before;
    long projectsValidity;
    Store store = connect(bobMail, bobPassword);
    try {
      IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
      inbox.open(Folder.READ_WRITE);
      Message kept = awaitSubject(inbox, "Before restart");
      assertThat(kept).isNotNull();
      Flags flags = new Flags(Flags.Flag.FLAGGED);
      flags.add("$Label1");
      kept.setFlags(flags, true);

      Folder scratch = store.getFolder("Scratch");
      assertThat(scratch.create(Folder.HOLDS_MESSAGES)).isTrue();
      assertThat(scratch.delete(false)).isTrue();
      Folder temporary = store.getFolder("Tmp");
      assertThat(temporary.create(Folder.HOLDS_MESSAGES)).isTrue();
      IMAPFolder projects = (IMAPFolder) store.getFolder("Projects");
      assertThat(temporary.renameTo(projects)).isTrue();
      inbox.copyMessages(new Message[] {kept}, projects);
      projects.open(Folder.READ_ONLY);
      projectsValidity = projects.getUIDValidity();
      projects.close(false);

      validity = inbox.getUIDValidity();
      uidNext = inbox.getUIDNext();
      before = snapshot(inbox);
    } finally {
      store.close();
    }

    bridge.close();
    bridge = ImapBridge.start(new ImapBridge.Settings(data, "127.0.0.1", 0, homeUrl), CLOCK);

    store = connect(bobMail, bobPassword);
    try {
      IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      assertThat(inbox.getUIDValidity()).isEqualTo(validity);
      assertThat(snapshot(inbox)).isEqualTo(before);
      assertThat(before.values())
          .anyMatch(
              m ->
                  m.startsWith("Before restart")
                      && m.contains("\\Flagged")
                      && m.contains("$Label1"));

      List<String> folders =
          Arrays.stream(store.getDefaultFolder().list("*")).map(Folder::getFullName).toList();
      assertThat(folders).contains("Projects").doesNotContain("Tmp", "Scratch");
      assertThat(
              Arrays.stream(store.getDefaultFolder().listSubscribed("*")).map(Folder::getFullName))
          .containsAll(ImapBridge.FOLDERS);
      IMAPFolder projects = (IMAPFolder) store.getFolder("Projects");
      projects.open(Folder.READ_ONLY);
      assertThat(projects.getUIDValidity()).isEqualTo(projectsValidity);
      assertThat(Arrays.stream(projects.getMessages()).map(ImapBridgeIT::subject))
          .containsExactly("Before restart");
      projects.close(false);

      publishToBob("After restart", "the sync resumed", false);
      Message next = awaitSubject(inbox, "After restart");
      assertThat(next).as("an envelope published after the restart arrives").isNotNull();
      // The next UID: none reused, none skipped (UIDNEXT seen at SELECT may predate later mail).
      assertThat(inbox.getUID(next))
          .isGreaterThanOrEqualTo(uidNext)
          .isEqualTo(Collections.max(before.keySet()) + 1);
      Map<Long, String> after = snapshot(inbox);
      assertThat(after).hasSize(before.size() + 1).containsAllEntriesOf(before);
    } finally {
      store.close();
    }
  }

  /** UID to subject and flags (without the session-bound \\Recent) of every message. */
  @Test
  void ownCopiesReachTheOtherInstallationsAndSentKeepsOneCopyPerMessageId() throws Exception {
    Account bob = WalletKey.parse(BOB_KEY).account();
    Store store = connect(bobMail, bobPassword);
    try {
      // A draft appended here is published: Bob's other installation gets it, marked for Drafts.
      String draftSubject = "A draft " + System.nanoTime();
      IMAPFolder drafts = (IMAPFolder) store.getFolder("Drafts");
      drafts.open(Folder.READ_WRITE);
      drafts.appendUIDMessages(
          new Message[] {message(draftSubject, "<draft-" + draftSubject.hashCode() + "@test>")});
      assertThat(awaitSubject(drafts, draftSubject)).isNotNull();
      OpenedEnvelope draft = awaitOwnEnvelope(draftSubject);
      assertThat(OwnCopy.folder(draft, bob)).contains("Drafts");

      IMAPFolder sent = (IMAPFolder) store.getFolder("Sent");
      sent.open(Folder.READ_WRITE);

      // The SMTP bridge's Sent copy first (sealed here by the other installation), then the
      // client's own APPEND of the same message: one copy, and the APPEND is given its UID.
      String first = "Sent first " + System.nanoTime();
      publishOwnCopy(first, "<first-" + first.hashCode() + "@test>");
      Message filed = awaitSubject(sent, first);
      assertThat(filed).as("the Sent copy is filed in Sent").isNotNull();
      long filedUid = sent.getUID(filed);
      int count = sent.getMessageCount();
      var appended =
          sent.appendUIDMessages(
              new Message[] {message(first, "<first-" + first.hashCode() + "@test>")});
      assertThat(appended[0].uid).isEqualTo(filedUid);
      assertThat(sent.getMessageCount()).isEqualTo(count);

      // The other order: the APPEND first, then the Sent copy: still one copy.
      String second = "Appended first " + System.nanoTime();
      sent.appendUIDMessages(
          new Message[] {message(second, "<second-" + second.hashCode() + "@test>")});
      publishOwnCopy(second, "<second-" + second.hashCode() + "@test>");
      // The sync places in order: once a later message is in INBOX, the copy has been handled.
      String later = "After the copy " + System.nanoTime();
      publishToBob(later, "ordering marker", false);
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      assertThat(awaitSubject(inbox, later)).isNotNull();
      long copies =
          Arrays.stream(sent.getMessages()).filter(m -> second.equals(subject(m))).count();
      assertThat(copies).isEqualTo(1);
    } finally {
      store.close();
    }
  }

  /** A plain message from Bob with {@code subject} and {@code messageId}. */
  static Message message(String subject, String messageId) throws Exception {
    jakarta.mail.internet.MimeMessage message =
        new jakarta.mail.internet.MimeMessage(Session.getInstance(new Properties())) {
          @Override
          protected void updateMessageID() throws jakarta.mail.MessagingException {
            setHeader("Message-ID", messageId);
          }
        };
    message.setFrom(new InternetAddress(bobMail));
    message.setRecipients(Message.RecipientType.TO, aliceMail());
    message.setSubject(subject);
    message.setText("Body of " + subject);
    message.saveChanges();
    return message;
  }

  /** Seals a Sent copy of a message to Bob's own installations, as the SMTP bridge does. */
  static void publishOwnCopy(String subject, String messageId) throws Exception {
    ByteArrayOutputStream mime = new ByteArrayOutputStream();
    message(subject, messageId).writeTo(mime);
    Account bob = WalletKey.parse(BOB_KEY).account();
    var envelope =
        new EnvelopeSealer(CLOCK, RANDOM)
            .seal(
                new Author.Installation(bob, bobKeys),
                client.bundles(bobMail).bundles(),
                OwnCopy.mark(mime.toByteArray(), OwnCopy.SENT));
    client.as(bobKeys).publish(envelope, Optional.empty());
  }

  /** Bob's other installation reads its inbox until an envelope with {@code subject} opens. */
  static OpenedEnvelope awaitOwnEnvelope(String subject) throws Exception {
    Account bob = WalletKey.parse(BOB_KEY).account();
    EnvelopeOpener opener = new EnvelopeOpener(bob, bobKeys, new BundleVerifier(CLOCK));
    SenderDirectory senders = new ApiSenderDirectory(client, CLOCK);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    do {
      for (var entry : client.as(bobKeys).inbox(Optional.empty(), 500).entries()) {
        try {
          OpenedEnvelope opened = opener.open(entry.envelope(), senders);
          if (new String(opened.mime(), StandardCharsets.UTF_8).contains("Subject: " + subject)) {
            return opened;
          }
        } catch (EnvelopeOpenException e) {
          // not for this installation
        }
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("no envelope with subject " + subject);
  }

  static Map<Long, String> snapshot(IMAPFolder folder) throws Exception {
    Map<Long, String> out = new TreeMap<>();
    for (Message m : folder.getMessages()) {
      Flags flags = m.getFlags();
      flags.remove(Flags.Flag.RECENT);
      List<String> names = new ArrayList<>();
      for (Flags.Flag flag : flags.getSystemFlags()) {
        names.add(systemFlag(flag));
      }
      names.addAll(Arrays.stream(flags.getUserFlags()).sorted().toList());
      out.put(folder.getUID(m), subject(m) + " " + names);
    }
    return out;
  }

  static String systemFlag(Flags.Flag flag) {
    if (flag == Flags.Flag.FLAGGED) {
      return "\\Flagged";
    } else if (flag == Flags.Flag.SEEN) {
      return "\\Seen";
    } else if (flag == Flags.Flag.ANSWERED) {
      return "\\Answered";
    } else if (flag == Flags.Flag.DELETED) {
      return "\\Deleted";
    } else if (flag == Flags.Flag.DRAFT) {
      return "\\Draft";
    }
    return flag.toString();
  }

  /** The first message of {@code folder} with {@code subject}, waiting up to 10 s; else null. */
  static Message awaitSubject(Folder folder, String subject) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    do {
      for (Message m : folder.getMessages()) {
        if (subject.equals(subject(m))) {
          return m;
        }
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    return null;
  }

  static String subject(Message message) {
    try {
      return message.getSubject();
    } catch (jakarta.mail.MessagingException e) {
      return null; // expunged meanwhile
    }
  }

  static String read(Path path) throws IOException {
    return Files.readString(path);
  }
}
