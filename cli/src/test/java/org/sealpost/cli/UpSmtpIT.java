package org.sealpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sealpost up} runs the SMTP bridge's listeners with its TLS certificate: a message
 * submitted with swaks over implicit TLS and one delivered to the gateway by swaks over STARTTLS
 * (as a mail server would) reach the recipient's IMAP inbox, read with python3 imaplib.
 */
class UpSmtpIT {
  private static final String ALICE_KEY =
      "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  private static final String BOB_KEY =
      "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

  @TempDir Path work;
  private UpProcess up;

  @AfterEach
  void stop() throws InterruptedException {
    if (up != null) {
      up.close();
    }
  }

  @Test
  void upSubmitsAndReceivesMailForItsWallets() throws Exception {
    up = UpProcess.start(work);
    int submissionPort = up.submissionPort;
    int submissionsPort = up.submissionsPort;
    int gatewayPort = up.gatewayPort;
    UpProcess.Credentials alice = up.createAccount("alice", ALICE_KEY);
    UpProcess.Credentials bob = up.createAccount("bob", BOB_KEY);
    assertThat(Files.readString(up.log))
        .contains("SMTP submission listening on 127.0.0.1:" + submissionPort + " (STARTTLS")
        .contains("and 127.0.0.1:" + submissionsPort + " (implicit TLS)")
        .contains(
            "SMTP gateway (MX) for @localhost listening on 127.0.0.1:"
                + gatewayPort
                + " (STARTTLS offered");
    String cert = up.data.resolve("bridge/tls/cert.pem").toString();

    Command submitted =
        Command.run(
            work,
            List.of(
                "swaks",
                "--tlsc", // implicit TLS, checking the certificate up generated
                "--tls-verify",
                "--tls-ca-path",
                cert,
                "--server",
                "127.0.0.1:" + submissionsPort,
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
                "Subject: through up",
                "--body",
                "Submitted through sealpost up."));
    assertThat(submitted.exitCode()).as("%s %s", submitted, submitted.stdoutText()).isZero();
    assertThat(submitted.stdoutText()).contains("TLS started");
    Command gatewayed =
        Command.run(
            work,
            List.of(
                "swaks",
                "--tls", // STARTTLS, as a sending mail server would use it
                "--server",
                "127.0.0.1:" + gatewayPort,
                "--helo",
                "mx.legacy.example",
                "--from",
                "someone@legacy.example",
                "--to",
                bob.mail(),
                "--header",
                "Subject: from the internet",
                "--body",
                "Delivered to the gateway."));
    assertThat(gatewayed.exitCode()).as("%s %s", gatewayed, gatewayed.stdoutText()).isZero();
    assertThat(gatewayed.stdoutText()).contains("TLS started");
    Command relay =
        Command.run(
            work,
            List.of(
                "swaks",
                "--server",
                "127.0.0.1:" + gatewayPort,
                "--from",
                "spammer@legacy.example",
                "--to",
                "victim@example.com"));
    assertThat(relay.exitCode()).isNotZero();
    assertThat(relay.stdoutText()).contains("550 5.7.1 relaying denied");

    Path script =
        Files.writeString(
            work.resolve("read.py"),
            """
            import imaplib, sys, time
            port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            deadline = time.time() + 30
            while True:
                imap = imaplib.IMAP4('127.0.0.1', port)
                imap.login(user, password)
                imap.select('Requests', readonly=True)
                found = []
                for subject in ('through up', 'from the internet'):
                    typ, ids = imap.search(None, 'SUBJECT', '"' + subject + '"')
                    if ids[0]:
                        typ, parts = imap.fetch(ids[0].split()[0], '(RFC822)')
                        found.append(parts[0][1].decode())
                try:
                    imap.logout()
                except imaplib.IMAP4.abort:
                    pass  # closed right after BYE, before the tagged OK
                if len(found) == 2 or time.time() > deadline:
                    break
                time.sleep(0.5)
            print('\\n=====\\n'.join(found))
            """);
    Command read =
        Command.run(
            work,
            List.of(
                "python3",
                script.toString(),
                String.valueOf(up.imapPort),
                bob.mail(),
                bob.password()));
    assertThat(read.exitCode()).as("%s", read).isZero();
    assertThat(read.stdoutText())
        .contains("X-Sealpost-Sender: verified " + alice.mail())
        .contains("Submitted through sealpost up.")
        .contains("X-Sealpost-Sender: external via localhost")
        .contains("Delivered to the gateway.");
  }
}
