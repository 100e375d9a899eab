package org.sealpost.bridge.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.activation.DataHandler;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.bridge.BridgeAccounts;
import org.sealpost.bridge.BridgePassword;
import org.sealpost.bridge.Enrollment;
import org.sealpost.bridge.OwnCopy;
import org.sealpost.bridge.imap.ImapBridge;
import org.sealpost.bridge.tls.TlsIdentity;
import org.sealpost.client.ApiSenderDirectory;
import org.sealpost.client.InboxEntry;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.envelope.Author;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.identity.envelope.EnvelopeOpener;
import org.sealpost.identity.envelope.OpenedEnvelope;
import org.sealpost.identity.envelope.SenderCheck;
import org.sealpost.identity.envelope.SenderDirectory;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.BundleVerifier;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.secret.PassphraseBox;
import org.sealpost.identity.wallet.WalletKey;
import org.sealpost.server.HomeServer;
import org.sealpost.server.Problem;
import org.sealpost.server.config.ConfigLoader;
import org.sealpost.wire.BundleJson;

/**
 * The SMTP bridge against a real home server and the real IMAP bridge: mail clients (Jakarta Mail,
 * python3 smtplib, swaks, curl) submit to wallet recipients, who read the mail over IMAP, in plain
 * SMTP on loopback, over STARTTLS and over implicit TLS; the independent JavaScript implementation
 * opens what the bridge sealed; refusals, delivery reports, limits, AUTH refused before STARTTLS
 * off loopback, and the inbound gateway, all over real sockets.
 */
class SmtpBridgeIT {
  static final String DOMAIN = "home.test";
  static final Clock CLOCK = Clock.systemUTC();
  static final SecureRandom RANDOM = new SecureRandom();
  static final long MAX_MESSAGE = 200_000;

  @TempDir static Path data;
  @TempDir static Path work;
  static HomeServer home;
  static URI url;
  static SealpostClient client;
  static ImapBridge imap;
  static SubmissionServer submission;
  static GatewayServer gateway;
  static TlsIdentity tls;

  static User alice;
  static User bob;
  static User carol;
  static User dave;

  /** A wallet with a bridge account: its mail address and bridge password. */
  record User(WalletKey wallet, String mail, String password) {
    Account account() {
      return wallet.account();
    }

    String bare() {
      return wallet.account().canonical();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    home =
        HomeServer.start(
            new ConfigLoader()
                .set("data-dir", data.toString(), "test")
                .set("domain", DOMAIN, "test")
                .set("http.port", "0", "test")
                .set("http.shutdown-grace-seconds", "1", "test")
                .set("limits.installation-burst", "1000", "test")
                .set("limits.ip-burst", "5000", "test")
                .load(),
            CLOCK);
    url = URI.create("http://127.0.0.1:" + home.httpPort());
    client = new SealpostClient(url, CLOCK);
    Enrollment enrollment =
        new Enrollment(
            Domain.parse(DOMAIN),
            client,
            new BridgeAccounts(data),
            CLOCK,
            RANDOM,
            new BridgePassword(1024, 1),
            new PassphraseBox(1024, 1, 1));
    alice = enroll(enrollment, "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    bob = enroll(enrollment, "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    carol = enroll(enrollment, "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdf443a6");
    dave = enroll(enrollment, "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6");
    imap = ImapBridge.start(new ImapBridge.Settings(data, "127.0.0.1", 0, url), CLOCK);
    tls = TlsIdentity.loadOrCreate(data, TlsIdentity.Settings.generated(DOMAIN, "127.0.0.1"));
    submission =
        SubmissionServer.start(
            SubmissionServer.Settings.of(
                    data, Domain.parse(DOMAIN), "127.0.0.1", 0, url, MAX_MESSAGE)
                .withRate(600, 1000)
                .withTls(tls, 0),
            CLOCK);
    gateway =
        GatewayServer.start(
            new GatewayServer.Settings("127.0.0.1", 0, url, MAX_MESSAGE, Optional.of(tls)),
            deposit(),
            CLOCK);
  }

  /** The port as `sealpost up` implements it, from the running home server. */
  static GatewayDeposit deposit() throws Exception {
    Author.Gateway author = new Author.Gateway(Domain.parse(DOMAIN), home.serverKey());
    return new GatewayDeposit() {
      @Override
      public Author.Gateway author() {
        return author;
      }

      @Override
      public void deposit(Envelope envelope) throws DepositException {
        try {
          home.depositGatewayMail(envelope);
        } catch (Problem e) {
          throw new DepositException(e.getMessage(), e);
        }
      }
    };
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable part : new AutoCloseable[] {gateway, submission, imap, home}) {
      try {
        if (part != null) {
          part.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  static User enroll(Enrollment enrollment, String walletKey) throws Exception {
    WalletKey wallet = WalletKey.parse(walletKey);
    String text = enrollment.prepare(wallet.account());
    Enrollment.Credentials credentials =
        enrollment.complete(wallet.account(), wallet.signPersonal(text));
    return new User(wallet, credentials.mail().toString(), new String(credentials.password()));
  }

  // ---- submission with real clients ----

  @Test
  void jakartaMailSendsHtmlAndAnAttachmentToSeveralRecipientsWhoReadItOverImap() throws Exception {
    String subject = "Plans " + System.nanoTime();
    byte[] attachment = new byte[5000];
    RANDOM.nextBytes(attachment);
    Properties props = new Properties();
    props.put("mail.smtp.host", "127.0.0.1");
    props.put("mail.smtp.port", String.valueOf(submission.port()));
    props.put("mail.smtp.auth", "true");
    Session session = Session.getInstance(props);
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress(alice.mail().toUpperCase(), "Alice Example"));
    message.setRecipients(Message.RecipientType.TO, bob.mail());
    message.setRecipients(Message.RecipientType.CC, carol.mail());
    message.setSubject(subject, "UTF-8");
    MimeMultipart alternative = new MimeMultipart("alternative");
    MimeBodyPart text = new MimeBodyPart();
    text.setText("Hello Bob and Carol. Grüße!", "UTF-8");
    MimeBodyPart html = new MimeBodyPart();
    html.setContent("<p>Hello <b>Bob</b> and Carol</p>", "text/html; charset=UTF-8");
    alternative.addBodyPart(text);
    alternative.addBodyPart(html);
    MimeBodyPart body = new MimeBodyPart();
    body.setContent(alternative);
    MimeBodyPart file = new MimeBodyPart();
    file.setDataHandler(
        new DataHandler(new ByteArrayDataSource(attachment, "application/octet-stream")));
    file.setFileName("plans.bin");
    MimeMultipart mixed = new MimeMultipart("mixed");
    mixed.addBodyPart(body);
    mixed.addBodyPart(file);
    message.setContent(mixed);
    message.setHeader("In-Reply-To", "<earlier@home.test>");
    message.saveChanges();
    String messageId = message.getMessageID();
    try (Transport transport = session.getTransport("smtp")) {
      transport.connect(alice.mail(), alice.password());
      transport.sendMessage(message, message.getAllRecipients()); // keeps the Message-ID
    }

    for (User reader : List.of(bob, carol)) {
      MimeMessage got = read(reader, "Requests", subject);
      assertThat(((InternetAddress) got.getFrom()[0]).getAddress())
          .isEqualToIgnoringCase(alice.mail());
      assertThat(got.getHeader("X-Sealpost-Sender")[0]).startsWith("verified " + alice.mail());
      assertThat(got.getMessageID()).isEqualTo(messageId);
      assertThat(got.getHeader("In-Reply-To")[0]).isEqualTo("<earlier@home.test>");
      Multipart parts = (Multipart) got.getContent();
      Multipart alternatives = (Multipart) parts.getBodyPart(0).getContent();
      assertThat(alternatives.getBodyPart(0).getContent()).isEqualTo("Hello Bob and Carol. Grüße!");
      assertThat((String) alternatives.getBodyPart(1).getContent()).contains("<b>Bob</b>");
      Part got1 = parts.getBodyPart(1);
      assertThat(got1.getFileName()).isEqualTo("plans.bin");
      assertThat(got1.getInputStream().readAllBytes()).isEqualTo(attachment);
    }
  }

  @Test
  void pythonSmtplibSendsToABareAccountAndBccIsOnlyInTheSentCopy() throws Exception {
    String subject = "Bcc test " + System.nanoTime();
    String message =
        "From: Alice <"
            + alice.mail()
            + ">\r\nTo: "
            + bob.mail()
            + "\r\nCc: "
            + carol.bare()
            + "\r\nBcc: "
            + dave.mail()
            + "\r\nSubject: "
            + subject
            + "\r\nMessage-ID: <"
            + System.nanoTime()
            + "@client>\r\n\r\nOnly Dave knows he got this.\r\n";
    Path script =
        Files.writeString(
            work.resolve("send.py"),
            """
            import smtplib, sys
            port, user, password, sender = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
            rcpts = sys.argv[5].split(',')
            with smtplib.SMTP('127.0.0.1', int(port)) as smtp:
                smtp.ehlo('python.test')
                smtp.login(user, password)
                refused = smtp.sendmail(sender, rcpts, sys.stdin.buffer.read())
                print('refused', refused)
            """);
    Path input = Files.writeString(work.resolve("bcc.eml"), message);
    Processes sent =
        Processes.run(
            work,
            List.of(
                "sh",
                "-c",
                "python3 "
                    + script
                    + " "
                    + submission.port()
                    + " "
                    + alice.bare() // a bare account logs in too
                    + " "
                    + alice.password()
                    + " "
                    + alice.mail()
                    + " "
                    + String.join(",", bob.mail(), carol.bare(), dave.mail())
                    + " < "
                    + input));
    assertThat(sent.exitCode()).as("%s", sent).isZero();
    assertThat(sent.stdout()).contains("refused {}");

    for (User reader : List.of(bob, carol, dave)) {
      MimeMessage got = read(reader, "Requests", subject);
      assertThat(got.getHeader("Bcc")).as("Bcc seen by %s", reader.mail()).isNull();
      assertThat(got.getContent().toString()).contains("Only Dave knows he got this.");
    }
    OpenedEnvelope sentCopy = openOwn(alice, subject, true);
    assertThat(OwnCopy.folder(sentCopy, alice.account())).contains(OwnCopy.SENT);
    assertThat(parse(sentCopy.mime()).getHeader("Bcc")[0]).isEqualTo(dave.mail());
    OpenedEnvelope bobs = open(bob, subject);
    assertThat(OwnCopy.folder(bobs, bob.account())).isEmpty();
    assertThat(new String(bobs.mime(), StandardCharsets.UTF_8))
        .doesNotContain(dave.mail())
        .doesNotContainIgnoringCase("Bcc:");
  }

  @Test
  void swaksSendsAndHearsAClearRefusalForAWrongFrom() throws Exception {
    String subject = "swaks " + System.nanoTime();
    Processes ok =
        Processes.run(
            work,
            List.of(
                "swaks",
                "--server",
                "127.0.0.1:" + submission.port(),
                "--auth",
                "LOGIN",
                "--auth-user",
                alice.mail(),
                "--auth-password",
                alice.password(),
                "--from",
                alice.mail(),
                "--to",
                bob.mail() + "," + carol.mail(),
                "--header",
                "Subject: " + subject,
                "--body",
                "Sent with swaks."));
    assertThat(ok.exitCode()).as("%s", ok).isZero();
    assertThat(ok.stdout()).contains("250 2.0.0 Sealed and delivered to 2 recipient account(s)");
    assertThat(read(carol, "Requests", subject).getContent().toString())
        .contains("Sent with swaks.");

    Processes forged =
        Processes.run(
            work,
            List.of(
                "swaks",
                "--server",
                "127.0.0.1:" + submission.port(),
                "--auth",
                "PLAIN",
                "--auth-user",
                alice.mail(),
                "--auth-password",
                alice.password(),
                "--from",
                alice.mail(),
                "--to",
                bob.mail(),
                "--header",
                "From: " + bob.mail(),
                "--header",
                "Subject: forged"));
    assertThat(forged.exitCode()).isNotZero();
    assertThat(forged.stdout())
        .contains(
            "550 5.7.1 the From address " + bob.mail() + " is not the account you logged in as");
  }

  @Test
  void curlSendsAFileAsIs() throws Exception {
    String subject = "curl " + System.nanoTime();
    Path file =
        Files.writeString(
            work.resolve("curl.eml"),
            "From: "
                + alice.mail()
                + "\r\nTo: "
                + dave.mail()
                + "\r\nSubject: "
                + subject
                + "\r\n\r\nSent with curl.\r\n");
    Processes sent =
        Processes.run(
            work,
            List.of(
                "curl",
                "--silent",
                "--show-error",
                "smtp://127.0.0.1:" + submission.port(),
                "--mail-from",
                alice.mail(),
                "--mail-rcpt",
                dave.mail(),
                "--user",
                alice.mail() + ":" + alice.password(),
                "--upload-file",
                file.toString()));
    assertThat(sent.exitCode()).as("%s", sent).isZero();
    MimeMessage got = read(dave, "Requests", subject);
    assertThat(got.getContent().toString()).contains("Sent with curl.");
    // RFC 6409 §8: the bridge added what the file lacked.
    assertThat(got.getMessageID()).endsWith("@" + DOMAIN + ">");
    assertThat(got.getSentDate()).isNotNull();
  }

  // ---- refusals: each clear, the connection survives ----

  @Test
  void everyRefusalIsClearAndTheConnectionSurvives() throws Exception {
    try (SmtpConversation smtp = new SmtpConversation(submission.port())) {
      assertThat(smtp.greeting).startsWith("220 " + DOMAIN);
      String ehlo = smtp.send("EHLO raw.test");
      assertThat(ehlo).contains("AUTH LOGIN PLAIN").contains("SIZE " + MAX_MESSAGE);
      assertThat(smtp.send("MAIL FROM:<" + alice.mail() + ">")).startsWith("530 5.7.0");
      assertThat(smtp.authPlain(alice.mail(), "wrong-password")).startsWith("535 5.7.8");
      assertThat(smtp.authPlain(alice.mail().toUpperCase(), alice.password()))
          .startsWith("235 2.7.0");
      assertThat(smtp.send("MAIL FROM:<" + alice.mail() + "> SIZE=" + (MAX_MESSAGE + 1)))
          .startsWith("552 5.3.4")
          .contains(String.valueOf(MAX_MESSAGE));
      assertThat(smtp.send("MAIL FROM:<" + alice.mail() + ">")).startsWith("250");
      assertThat(smtp.send("RCPT TO:<someone@example.com>"))
          .startsWith("550 5.1.3")
          .contains("not a wallet address");
      assertThat(smtp.send("RCPT TO:<0x00000000000000000000000000000000000000aa@other.example>"))
          .startsWith("550 5.1.2")
          .contains("other.example");
      assertThat(smtp.send("RCPT TO:<0x00000000000000000000000000000000000000aa@" + DOMAIN + ">"))
          .startsWith("550 5.1.1")
          .contains("has no inbox");
      assertThat(smtp.send("RCPT TO:<0xF39FD6E51AAD88F6F4CE6AB8827279CFFFB92266x@" + DOMAIN + ">"))
          .startsWith("550 5.1.3");
      assertThat(smtp.send("RCPT TO:<" + bob.mail() + ">")).startsWith("250 2.1.5");
      assertThat(smtp.data("From: " + bob.mail() + "\r\nSubject: forged\r\n\r\nx"))
          .startsWith("550 5.7.1")
          .contains("send as " + alice.mail());
      assertThat(smtp.data("Subject: no from\r\n\r\nx")).startsWith("503"); // transaction over

      assertThat(smtp.send("MAIL FROM:<" + alice.mail() + ">")).startsWith("250");
      assertThat(smtp.send("RCPT TO:<" + bob.mail() + ">")).startsWith("250");
      assertThat(smtp.data("Subject: no from\r\n\r\nx"))
          .startsWith("550 5.7.1")
          .contains("no From header");

      assertThat(smtp.send("MAIL FROM:<" + alice.mail() + ">")).startsWith("250");
      assertThat(smtp.send("RCPT TO:<" + bob.mail() + ">")).startsWith("250");
      String big = "x".repeat(999) + "\r\n";
      assertThat(
              smtp.data(
                  "From: "
                      + alice.mail()
                      + "\r\nSubject: big\r\n\r\n"
                      + big.repeat((int) (MAX_MESSAGE / 1000) + 5)))
          .startsWith("552 5.3.4")
          .contains(MAX_MESSAGE + " bytes");

      String subject = "after refusals " + System.nanoTime();
      assertThat(smtp.send("MAIL FROM:<" + alice.mail() + ">")).startsWith("250");
      assertThat(smtp.send("RCPT TO:<" + bob.mail() + ">")).startsWith("250");
      assertThat(
              smtp.data(
                  "From: \"Alice\" <"
                      + alice.mail()
                      + ">\r\nSubject: "
                      + subject
                      + "\r\n\r\nstill here\r\n"))
          .startsWith("250 2.0.0");
      assertThat(smtp.send("QUIT")).startsWith("221");
      assertThat(read(bob, "Requests", subject).getContent().toString()).contains("still here");
    }
  }

  @Test
  void anAccountThatSendsTooFastIsToldToWait() throws Exception {
    try (SubmissionServer limited =
        SubmissionServer.start(
            SubmissionServer.Settings.of(
                    data, Domain.parse(DOMAIN), "127.0.0.1", 0, url, MAX_MESSAGE)
                .withRate(1, 2),
            CLOCK)) {
      try (SmtpConversation smtp = new SmtpConversation(limited.port())) {
        smtp.send("EHLO raw.test");
        assertThat(smtp.authPlain(carol.mail(), carol.password())).startsWith("235");
        assertThat(smtp.send("MAIL FROM:<" + carol.mail() + ">")).startsWith("250");
        assertThat(smtp.send("RSET")).startsWith("250");
        assertThat(smtp.send("MAIL FROM:<" + carol.mail() + ">")).startsWith("250");
        assertThat(smtp.send("RSET")).startsWith("250");
        assertThat(smtp.send("MAIL FROM:<" + carol.mail() + ">"))
            .startsWith("451 4.7.1")
            .contains("sending too fast")
            .contains("try again in");
      }
    }
  }

  // ---- delivery failures after DATA ----

  @Test
  void aRecipientThatFailsAfterDataGetsADeliveryReportInTheSendersInbox() throws Exception {
    try (RefusingProxy proxy = new RefusingProxy(url);
        SubmissionServer viaProxy =
            SubmissionServer.start(
                SubmissionServer.Settings.of(
                        data, Domain.parse(DOMAIN), "127.0.0.1", 0, proxy.url(), MAX_MESSAGE)
                    .withRetry(2, Duration.ofMillis(10)),
                CLOCK)) {
      proxy.refuse(dave.account(), 503); // failing all along: given up after the retries
      String subject = "partly undeliverable " + System.nanoTime();
      try (SmtpConversation smtp = new SmtpConversation(viaProxy.port())) {
        smtp.send("EHLO raw.test");
        assertThat(smtp.authPlain(bob.mail(), bob.password())).startsWith("235");
        assertThat(smtp.send("MAIL FROM:<" + bob.mail() + ">")).startsWith("250");
        assertThat(smtp.send("RCPT TO:<" + carol.mail() + ">")).startsWith("250");
        assertThat(smtp.send("RCPT TO:<" + dave.mail() + ">")).startsWith("250");
        assertThat(
                smtp.data(
                    "From: "
                        + bob.mail()
                        + "\r\nTo: "
                        + carol.mail()
                        + ", "
                        + dave.mail()
                        + "\r\nSubject: "
                        + subject
                        + "\r\n\r\nhello\r\n"))
            .startsWith("250 2.0.0 Delivered to 1 recipient account(s); 1 failed");
      }
      assertThat(read(carol, "Requests", subject).getContent().toString()).contains("hello");
      MimeMessage report = read(bob, "INBOX", "Undelivered mail: " + subject);
      assertThat(report.getContentType()).contains("multipart/report").contains("delivery-status");
      Multipart parts = (Multipart) report.getContent();
      assertThat(parts.getBodyPart(0).getContent().toString()).contains(dave.mail());
      String status = text(parts.getBodyPart(1));
      assertThat(status)
          .contains("Final-Recipient: rfc822; " + dave.mail())
          .contains("Action: failed")
          .contains("Status: 5.4.1")
          .contains("503");
      assertThat(text(parts.getBodyPart(2))).contains("Subject: " + subject);
    }
  }

  // ---- the inbound gateway ----

  @Test
  void theGatewayTakesMailForLocalWalletsOnlyAndSealsItWithTheServerKey() throws Exception {
    String subject = "from the internet " + System.nanoTime();
    try (SmtpConversation smtp = new SmtpConversation(gateway.port())) {
      assertThat(smtp.send("EHLO mx.legacy.example")).doesNotContain("AUTH");
      assertThat(smtp.send("VRFY " + bob.bare())).startsWith("502");
      assertThat(smtp.send("MAIL FROM:<someone@legacy.example>")).startsWith("250");
      assertThat(smtp.send("RCPT TO:<" + bob.bare() + "@elsewhere.example>"))
          .startsWith("550 5.7.1 relaying denied");
      assertThat(smtp.send("RCPT TO:<someone@gmail.com>")).startsWith("550 5.7.1 relaying denied");
      assertThat(smtp.send("RCPT TO:<0x00000000000000000000000000000000000000aa@" + DOMAIN + ">"))
          .startsWith("550 5.1.1");
      assertThat(smtp.send("RCPT TO:<postmaster@" + DOMAIN + ">")).startsWith("550 5.1.1");
      String shouted = bob.bare().toUpperCase().replace("0X", "0x") + "@" + DOMAIN.toUpperCase();
      assertThat(smtp.send("RCPT TO:<" + shouted + ">")).startsWith("250");
      assertThat(smtp.send("RCPT TO:<" + carol.mail() + ">")).startsWith("250");
      assertThat(
              smtp.data(
                  "From: Someone <someone@legacy.example>\r\nTo: "
                      + bob.mail()
                      + "\r\nAuthentication-Results: "
                      + DOMAIN
                      + "; forged=pass\r\nSubject: "
                      + subject
                      + "\r\n\r\nHello wallet.\r\n"))
          .startsWith("250 2.0.0 Sealed and stored for 2 recipient(s)");
    }
    MimeMessage got = read(bob, "Requests", subject);
    assertThat(got.getHeader("X-Sealpost-Sender")[0]).startsWith("external via " + DOMAIN);
    assertThat(got.getHeader("Authentication-Results"))
        .hasSize(1)
        .allSatisfy(value -> assertThat(value).contains("auth=none").contains("not verified"));
    assertThat(got.getHeader("Received")[0]).contains("mx.legacy.example").contains("by " + DOMAIN);
    assertThat(((InternetAddress) got.getFrom()[0]).getAddress())
        .isEqualTo("someone@legacy.example");
    OpenedEnvelope opened = open(carol, subject);
    assertThat(opened.sender()).isEqualTo(new SenderCheck.Gateway(Domain.parse(DOMAIN)));
  }

  // ---- TLS: STARTTLS and implicit TLS with real clients ----

  @Test
  void jakartaMailInsistsOnStartTlsAndTrustsOnlyTheBridgeCertificate() throws Exception {
    String subject = "over STARTTLS " + System.nanoTime();
    Properties props = new Properties();
    props.put("mail.smtp.host", "127.0.0.1");
    props.put("mail.smtp.port", String.valueOf(submission.port()));
    props.put("mail.smtp.auth", "true");
    props.put("mail.smtp.starttls.enable", "true");
    props.put("mail.smtp.starttls.required", "true");
    props.put("mail.smtp.ssl.checkserveridentity", "true");
    props.put("mail.smtp.ssl.socketFactory", trusting(tls.certificate()).getSocketFactory());
    Session session = Session.getInstance(props);
    try (Transport transport = session.getTransport("smtp")) {
      transport.connect(alice.mail(), alice.password());
      MimeMessage message = plain(session, alice, bob, subject, "Sealed after STARTTLS.");
      transport.sendMessage(message, message.getAllRecipients());
    }
    assertThat(read(bob, "Requests", subject).getContent().toString())
        .contains("Sealed after STARTTLS.");

    // the client checks the certificate: one it was not told to trust stops it before AUTH
    X509Certificate stranger =
        TlsIdentity.loadOrCreate(work.resolve("stranger"), TlsIdentity.Settings.generated(DOMAIN))
            .certificate();
    props.put("mail.smtp.ssl.socketFactory", trusting(stranger).getSocketFactory());
    try (Transport refused = Session.getInstance(props).getTransport("smtp")) {
      assertThatThrownBy(() -> refused.connect(alice.mail(), alice.password()))
          .isInstanceOf(MessagingException.class)
          .hasStackTraceContaining("SSLHandshakeException");
    }
  }

  @Test
  void jakartaMailSendsOverImplicitTls() throws Exception {
    String subject = "over smtps " + System.nanoTime();
    Properties props = new Properties();
    props.put("mail.smtps.host", "127.0.0.1");
    props.put("mail.smtps.port", String.valueOf(submission.implicitTlsPort().getAsInt()));
    props.put("mail.smtps.auth", "true");
    props.put("mail.smtps.ssl.checkserveridentity", "true");
    props.put("mail.smtps.ssl.socketFactory", trusting(tls.certificate()).getSocketFactory());
    Session session = Session.getInstance(props);
    try (Transport transport = session.getTransport("smtps")) {
      transport.connect(alice.mail(), alice.password());
      MimeMessage message = plain(session, alice, carol, subject, "Sealed over implicit TLS.");
      transport.sendMessage(message, message.getAllRecipients());
    }
    assertThat(read(carol, "Requests", subject).getContent().toString())
        .contains("Sealed over implicit TLS.");
  }

  @Test
  void pythonSmtplibSendsWithStartTlsAndWithSmtpSsl() throws Exception {
    Path script =
        Files.writeString(
            work.resolve("send_tls.py"),
            """
            import smtplib, ssl, sys
            mode, port, cafile, user, password, rcpt, subject = sys.argv[1:8]
            context = ssl.create_default_context(cafile=cafile)  # checks the name, 127.0.0.1
            message = f'From: {user}\\r\\nTo: {rcpt}\\r\\nSubject: {subject}\\r\\n\\r\\nvia {mode}\\r\\n'
            if mode == 'starttls':
                smtp = smtplib.SMTP('127.0.0.1', int(port))
                smtp.ehlo('python.test')
                print('before:', 'auth' in smtp.esmtp_features, 'starttls' in smtp.esmtp_features)
                smtp.starttls(context=context)
                smtp.ehlo('python.test')
                print('after:', 'auth' in smtp.esmtp_features, 'starttls' in smtp.esmtp_features)
            else:
                smtp = smtplib.SMTP_SSL('127.0.0.1', int(port), context=context)
                smtp.ehlo('python.test')
            print('tls:', smtp.sock.version())
            smtp.login(user, password)
            print('refused', smtp.sendmail(user, [rcpt], message.encode()))
            smtp.quit()
            """);
    String subject = "python tls " + System.nanoTime();
    Processes startTls = python(script, "starttls", submission.port(), dave, subject + " starttls");
    assertThat(startTls.exitCode()).as("%s", startTls).isZero();
    assertThat(startTls.stdout())
        .contains("before: True True") // loopback: AUTH offered before TLS too
        .contains("after: True False")
        .containsPattern("tls: TLSv1\\.[23]")
        .contains("refused {}");
    Processes implicit =
        python(script, "ssl", submission.implicitTlsPort().getAsInt(), dave, subject + " ssl");
    assertThat(implicit.exitCode()).as("%s", implicit).isZero();
    assertThat(implicit.stdout()).contains("refused {}");
    assertThat(read(dave, "Requests", subject + " starttls").getContent().toString())
        .contains("via starttls");
    assertThat(read(dave, "Requests", subject + " ssl").getContent().toString())
        .contains("via ssl");
  }

  @Test
  void swaksSendsWithStartTlsAndTlsOnConnectVerifyingTheCertificate() throws Exception {
    String subject = "swaks tls " + System.nanoTime();
    for (String mode : List.of("--tls", "--tlsc")) {
      int port = mode.equals("--tls") ? submission.port() : submission.implicitTlsPort().getAsInt();
      Processes sent =
          Processes.run(
              work,
              List.of(
                  "swaks",
                  mode,
                  "--tls-verify",
                  "--tls-ca-path",
                  tls.certificateFile().toString(),
                  "--server",
                  "127.0.0.1:" + port,
                  "--auth",
                  "PLAIN",
                  "--auth-user",
                  bob.mail(),
                  "--auth-password",
                  bob.password(),
                  "--from",
                  bob.mail(),
                  "--to",
                  alice.mail(),
                  "--header",
                  "Subject: " + subject + " " + mode,
                  "--body",
                  "Sent with swaks " + mode));
      assertThat(sent.exitCode()).as("%s", sent).isZero();
      assertThat(sent.stdout()).contains("TLS started").contains("250 2.0.0 Sealed");
    }
    assertThat(read(alice, "Requests", subject + " --tls").getContent().toString())
        .contains("Sent with swaks --tls");
    assertThat(read(alice, "Requests", subject + " --tlsc").getContent().toString())
        .contains("Sent with swaks --tlsc");
  }

  @Test
  void curlSendsWithRequiredStartTlsAndOverSmtps() throws Exception {
    String subject = "curl tls " + System.nanoTime();
    for (String url :
        List.of(
            "smtp://127.0.0.1:" + submission.port(),
            "smtps://127.0.0.1:" + submission.implicitTlsPort().getAsInt())) {
      String scheme = url.substring(0, url.indexOf(':'));
      Path file =
          Files.writeString(
              work.resolve("curl-" + scheme + ".eml"),
              "From: "
                  + carol.mail()
                  + "\r\nTo: "
                  + bob.mail()
                  + "\r\nSubject: "
                  + subject
                  + " "
                  + scheme
                  + "\r\n\r\nSent with curl over "
                  + scheme
                  + ".\r\n");
      Processes sent =
          Processes.run(
              work,
              List.of(
                  "curl",
                  "--silent",
                  "--show-error",
                  "--ssl-reqd",
                  "--cacert",
                  tls.certificateFile().toString(),
                  url,
                  "--mail-from",
                  carol.mail(),
                  "--mail-rcpt",
                  bob.mail(),
                  "--user",
                  carol.mail() + ":" + carol.password(),
                  "--upload-file",
                  file.toString()));
      assertThat(sent.exitCode()).as("%s", sent).isZero();
    }
    assertThat(read(bob, "Requests", subject + " smtp").getContent().toString())
        .contains("Sent with curl over smtp.");
    assertThat(read(bob, "Requests", subject + " smtps").getContent().toString())
        .contains("Sent with curl over smtps.");
  }

  @Test
  void offLoopbackAuthIsRefusedUntilStartTlsAndNotAnnounced() throws Exception {
    Optional<String> address = nonLoopbackAddress();
    assumeTrue(address.isPresent(), "this machine has no non-loopback IPv4 address");
    String host = address.get();
    TlsIdentity named =
        TlsIdentity.loadOrCreate(
            data.resolve("exposed"), TlsIdentity.Settings.generated(DOMAIN, host));
    SSLContext trust = trusting(named.certificate());
    String subject = "off loopback " + System.nanoTime();
    try (SubmissionServer exposed =
            SubmissionServer.start(
                SubmissionServer.Settings.of(data, Domain.parse(DOMAIN), host, 0, url, MAX_MESSAGE)
                    .withTls(named, 0),
                CLOCK);
        SmtpConversation smtp = new SmtpConversation(new Socket(host, exposed.port()))) {
      String ehlo = smtp.send("EHLO raw.test");
      assertThat(ehlo).contains("STARTTLS").doesNotContain("AUTH");
      assertThat(smtp.authPlain(bob.mail(), bob.password()))
          .isEqualTo("530 5.7.0 Must issue a STARTTLS command first");
      assertThat(smtp.send("AUTH LOGIN"))
          .isEqualTo("530 5.7.0 Must issue a STARTTLS command first");
      assertThat(smtp.send("MAIL FROM:<" + bob.mail() + ">")).startsWith("530 5.7.0");
      // the connection survives, and the same login succeeds once TLS is up
      assertThat(smtp.send("STARTTLS")).startsWith("220");
      smtp.startTls(trust, host);
      assertThat(smtp.send("EHLO raw.test"))
          .contains("AUTH LOGIN PLAIN")
          .doesNotContain("STARTTLS");
      assertThat(smtp.authPlain(bob.mail(), bob.password())).startsWith("235 2.7.0");
      assertThat(smtp.send("MAIL FROM:<" + bob.mail() + ">")).startsWith("250");
      assertThat(smtp.send("RCPT TO:<" + carol.mail() + ">")).startsWith("250");
      assertThat(
              smtp.data("From: " + bob.mail() + "\r\nSubject: " + subject + "\r\n\r\nexposed\r\n"))
          .startsWith("250 2.0.0");

      // implicit TLS on the same host: AUTH at once
      try (SSLSocket socket =
              (SSLSocket)
                  trust
                      .getSocketFactory()
                      .createSocket(host, exposed.implicitTlsPort().getAsInt());
          SmtpConversation smtps = new SmtpConversation(socket)) {
        assertThat(smtps.send("EHLO raw.test")).contains("AUTH LOGIN PLAIN");
        assertThat(smtps.authPlain(bob.mail(), bob.password())).startsWith("235");
      }
    }
    assertThat(read(carol, "Requests", subject).getContent().toString()).contains("exposed");
  }

  @Test
  void aNonLoopbackBindWithoutTlsIsRefused() {
    assertThatThrownBy(
            () ->
                SubmissionServer.start(
                    SubmissionServer.Settings.of(
                        data, Domain.parse(DOMAIN), "0.0.0.0", 0, url, MAX_MESSAGE),
                    CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("host: 0.0.0.0 without TLS (expected: a loopback address, or TLS settings)");
  }

  @Test
  void plaintextPipelinedBehindStartTlsEndsTheConnection() throws Exception {
    try (SmtpConversation smtp = new SmtpConversation(submission.port())) {
      smtp.send("EHLO raw.test");
      // an attacker's command injected before the handshake must never run as if inside TLS
      String reply = smtp.write("STARTTLS\r\nMAIL FROM:<" + alice.mail() + ">\r\n");
      assertThat(reply)
          .doesNotStartWith("220")
          .startsWith("451"); // James's fatal error, then close
      assertThatThrownBy(() -> smtp.send("NOOP")).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aMessageLineThatStartsWithStartTlsIsJustALine() throws Exception {
    String subject = "about STARTTLS " + System.nanoTime();
    try (SmtpConversation smtp = new SmtpConversation(submission.port())) {
      smtp.send("EHLO raw.test");
      assertThat(smtp.authPlain(alice.mail(), alice.password())).startsWith("235");
      assertThat(smtp.send("MAIL FROM:<" + alice.mail() + ">")).startsWith("250");
      assertThat(smtp.send("RCPT TO:<" + bob.mail() + ">")).startsWith("250");
      assertThat(
              smtp.data(
                  "From: "
                      + alice.mail()
                      + "\r\nSubject: "
                      + subject
                      + "\r\n\r\nSTARTTLS\r\nstarttls is how servers upgrade\r\nend\r\n"))
          .startsWith("250 2.0.0");
    }
    assertThat(read(bob, "Requests", subject).getContent().toString())
        .contains("STARTTLS")
        .contains("starttls is how servers upgrade");
  }

  @Test
  void theGatewayOffersStartTlsAndTakesMailOverIt() throws Exception {
    try (SmtpConversation smtp = new SmtpConversation(gateway.port())) {
      assertThat(smtp.send("EHLO mx.legacy.example")).contains("STARTTLS").doesNotContain("AUTH");
      assertThat(smtp.send("STARTTLS")).startsWith("220");
      smtp.startTls(trusting(tls.certificate()), "127.0.0.1");
      assertThat(smtp.send("EHLO mx.legacy.example"))
          .doesNotContain("STARTTLS")
          .doesNotContain("AUTH");
    }
    String subject = "gateway over TLS " + System.nanoTime();
    Processes sent =
        Processes.run(
            work,
            List.of(
                "swaks",
                "--tls",
                "--server",
                "127.0.0.1:" + gateway.port(),
                "--helo",
                "mx.legacy.example",
                "--from",
                "someone@legacy.example",
                "--to",
                bob.mail(),
                "--header",
                "Subject: " + subject,
                "--body",
                "Delivered over TLS."));
    assertThat(sent.exitCode()).as("%s", sent).isZero();
    assertThat(sent.stdout()).contains("TLS started");
    MimeMessage got = read(bob, "Requests", subject);
    assertThat(got.getContent().toString()).contains("Delivered over TLS.");
    assertThat(got.getHeader("X-Sealpost-Sender")[0]).startsWith("external via " + DOMAIN);
  }

  static MimeMessage plain(Session session, User from, User to, String subject, String text)
      throws MessagingException {
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress(from.mail()));
    message.setRecipients(Message.RecipientType.TO, to.mail());
    message.setSubject(subject);
    message.setText(text);
    message.saveChanges();
    return message;
  }

  static Processes python(Path script, String mode, int port, User to, String subject) {
    return Processes.run(
        work,
        List.of(
            "python3",
            script.toString(),
            mode,
            String.valueOf(port),
            tls.certificateFile().toString(),
            alice.mail(),
            alice.password(),
            to.mail(),
            subject));
  }

  /** A client context that trusts {@code certificate} alone. */
  static SSLContext trusting(X509Certificate certificate) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("bridge", certificate);
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  static Optional<String> nonLoopbackAddress() throws IOException {
    return NetworkInterface.networkInterfaces()
        .filter(
            nic -> {
              try {
                return nic.isUp() && !nic.isLoopback();
              } catch (IOException e) {
                return false;
              }
            })
        .flatMap(NetworkInterface::inetAddresses)
        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
        .map(InetAddress::getHostAddress)
        .findFirst();
  }

  // ---- the independent implementation opens what the bridge sealed ----

  @Test
  void theIndependentImplementationOpensSubmittedAndGatewayMailAndVerifiesTheSignatures()
      throws Exception {
    Path interop = Path.of(System.getProperty("sealpost.interop"));
    Path jsDir = work.resolve("js-bob");
    Processes keygen =
        node(
            interop,
            "keygen",
            "--dir",
            jsDir.toString(),
            "--account",
            bob.bare(),
            "--home",
            DOMAIN,
            "--wallet-key",
            BOB_KEY);
    assertThat(keygen.exitCode()).as("%s", keygen).isZero();
    Processes linked =
        node(interop, "api-link", "--server", url.toString(), "--dir", jsDir.toString());
    assertThat(linked.exitCode()).as("%s", linked).isZero();

    String subject = "for the JS installation " + System.nanoTime();
    try (SmtpConversation smtp = new SmtpConversation(submission.port())) {
      smtp.send("EHLO raw.test");
      assertThat(smtp.authPlain(alice.mail(), alice.password())).startsWith("235");
      assertThat(smtp.send("MAIL FROM:<" + alice.mail() + ">")).startsWith("250");
      assertThat(smtp.send("RCPT TO:<" + bob.mail() + ">")).startsWith("250");
      assertThat(
              smtp.data(
                  "From: " + alice.mail() + "\r\nSubject: " + subject + "\r\n\r\nfrom Java\r\n"))
          .startsWith("250");
    }
    try (SmtpConversation smtp = new SmtpConversation(gateway.port())) {
      smtp.send("EHLO mx.legacy.example");
      smtp.send("MAIL FROM:<someone@legacy.example>");
      assertThat(smtp.send("RCPT TO:<" + bob.mail() + ">")).startsWith("250");
      assertThat(smtp.data("From: someone@legacy.example\r\nSubject: gw " + subject + "\r\n\r\nx"))
          .startsWith("250");
    }
    Bundle aliceBundle = client.bundles(alice.bare()).bundles().get(0);
    Path aliceBundleFile =
        Files.writeString(work.resolve("alice-bundle.json"), BundleJson.toJson(aliceBundle));
    Processes opened =
        node(
            interop,
            "api-fetch-open",
            "--server",
            url.toString(),
            "--dir",
            jsDir.toString(),
            "--sender-bundle",
            aliceBundleFile.toString(),
            "--gateway-key",
            home.serverKey().publicKey().hex(),
            "--limit",
            "500");
    assertThat(opened.exitCode()).as("%s", opened).isZero();
    List<String> mimes = new ArrayList<>();
    for (String line : opened.stdout().split("\n")) {
      var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
      if (node.has("mimeBase64")) {
        mimes.add(
            new String(
                java.util.Base64.getDecoder().decode(node.get("mimeBase64").asText()),
                StandardCharsets.UTF_8));
      }
    }
    assertThat(mimes).anySatisfy(mime -> assertThat(mime).contains("Subject: " + subject));
    assertThat(mimes).anySatisfy(mime -> assertThat(mime).contains("Subject: gw " + subject));
  }

  static final String BOB_KEY = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

  static Processes node(Path interop, String... args) {
    List<String> command = new ArrayList<>(List.of("node", interop.toString()));
    command.addAll(List.of(args));
    return Processes.run(work, command);
  }

  // ---- reading ----

  /** The message with {@code subject} in {@code folder} of {@code user}, read over IMAP. */
  static MimeMessage read(User user, String folder, String subject) throws Exception {
    Properties props = new Properties();
    props.put("mail.imap.host", "127.0.0.1");
    props.put("mail.imap.port", String.valueOf(imap.port()));
    Store store = Session.getInstance(props).getStore("imap");
    store.connect(user.mail(), user.password());
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        Folder open = store.getFolder(folder);
        open.open(Folder.READ_ONLY);
        try {
          for (Message message : open.getMessages()) {
            if (subject.equals(message.getSubject())) {
              ByteArrayOutputStream bytes = new ByteArrayOutputStream();
              message.writeTo(bytes);
              return parse(bytes.toByteArray());
            }
          }
        } catch (MessagingException syncedMeanwhile) {
          // the IMAP bridge answers BAD to a FETCH that races a message being synced: look again
        } finally {
          if (open.isOpen()) {
            open.close(false);
          }
        }
        TimeUnit.MILLISECONDS.sleep(200);
      }
      throw new AssertionError("no '" + subject + "' in " + folder + " of " + user.mail());
    } finally {
      store.close();
    }
  }

  static MimeMessage parse(byte[] mime) throws MessagingException {
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(mime));
  }

  static String text(Part part) throws IOException, MessagingException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    part.writeTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Opens {@code user}'s envelope with {@code subject} with the keys the bridge holds for it. */
  static OpenedEnvelope open(User user, String subject) throws Exception {
    return openOwn(user, subject, false);
  }

  static OpenedEnvelope openOwn(User user, String subject, boolean sentCopy) throws Exception {
    InstallationKeys keys =
        new BridgeAccounts(data)
            .find(user.account())
            .orElseThrow()
            .installation()
            .unlock(user.password().toCharArray());
    EnvelopeOpener opener = new EnvelopeOpener(user.account(), keys, new BundleVerifier(CLOCK));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (InboxEntry entry : client.as(keys).inbox(Optional.empty(), 500).entries()) {
        OpenedEnvelope opened = opener.open(entry.envelope(), senders());
        MimeMessage mime = parse(opened.mime());
        if (subject.equals(mime.getSubject())
            && sentCopy == OwnCopy.folder(opened, user.account()).isPresent()) {
          return opened;
        }
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new AssertionError("no envelope '" + subject + "' for " + user.mail());
  }

  static SenderDirectory senders() {
    return new ApiSenderDirectory(client, CLOCK);
  }
}
