package org.sealpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.BodyTerm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No message plaintext at rest: a mail with a random marker in its subject, bodies and attachment
 * is published by the independent client, synced, opened and searched by the IMAP bridge of a real
 * {@code sealpost up}, and a draft with another marker is appended over IMAP; then every byte of
 * every file under the data directory (H2 database files included) and the process's log is
 * searched for the markers, in UTF-8, UTF-16 and base64, while it runs and after it stopped.
 */
class NoPlaintextAtRestIT {
  private static final String BOB_KEY =
      "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  private static final String ALICE_KEY =
      "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path work;

  @Test
  void theDataDirectoryNeverHoldsAMessageInTheClearWhileRunningOrAfterStopping() throws Exception {
    String marker = marker();
    String draftMarker = marker();
    UpProcess up = UpProcess.start(work);
    try {
      UpProcess.Credentials bob = up.createAccount("bob", BOB_KEY);
      IndependentSender alice = IndependentSender.link(work, up.serverUrl(), "alice", ALICE_KEY);
      TestMail mail =
          new TestMail(
              "Alice <" + alice.mail() + ">",
              bob.mail(),
              "Secret " + marker,
              "The code is " + marker + ".\r\n",
              "<p>The code is <b>" + marker + "</b>.</p>",
              marker + ".txt",
              ("attachment " + marker).getBytes(StandardCharsets.UTF_8));
      alice.send(bob.mail(), mail.mime());
      // Alice is not allowed: her mail waits in Requests
      ImapProbe.awaitSubject(up.imapPort, bob.mail(), bob.password(), "Requests", mail.subject());

      Store store = ImapProbe.connect(up.imapPort, bob.mail(), bob.password());
      try {
        Folder requests = store.getFolder("Requests");
        requests.open(Folder.READ_WRITE);
        Message[] found = requests.search(new BodyTerm(marker));
        assertThat(found).as("the bridge opened and searched the message").hasSize(1);
        TestMail.Received read = TestMail.read((MimeMessage) found[0]);
        assertThat(read.text()).contains(marker);
        assertThat(read.file()).isEqualTo(mail.file());
        found[0].setFlag(Flags.Flag.FLAGGED, true);

        Folder drafts = store.getFolder("Drafts");
        drafts.open(Folder.READ_WRITE);
        MimeMessage draft = new MimeMessage(Session.getInstance(new Properties()));
        draft.setSubject("Draft " + draftMarker);
        draft.setText("Unsent: " + draftMarker);
        drafts.appendMessages(new Message[] {draft});
        Message[] appended = drafts.getMessages();
        assertThat(appended).as("the appended draft is there").isNotEmpty();
        assertThat(appended[appended.length - 1].getSubject()).isEqualTo("Draft " + draftMarker);
        assertThat(((UIDFolder) drafts).getUID(appended[appended.length - 1])).isPositive();
      } finally {
        store.close();
      }

      List<Path> places = List.of(up.data, up.log);
      assertThat(hits(List.of(up.data.resolve("db")), bob.account()))
          .as("the search reads the database files: it finds the account (stored in the clear)")
          .isNotEmpty();
      assertThat(hits(places, marker)).as("the mail's marker at rest while running").isEmpty();
      assertThat(hits(places, draftMarker)).as("the draft's marker while running").isEmpty();

      up.stop();
      assertThat(up.isAlive()).isFalse();
      assertThat(hits(places, marker)).as("the mail's marker after stopping").isEmpty();
      assertThat(hits(places, draftMarker)).as("the draft's marker after stopping").isEmpty();
    } finally {
      up.stop();
    }
  }

  private static String marker() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return "mrk" + HexFormat.of().formatHex(bytes);
  }

  /** "file: form" for every file under {@code places} holding {@code text} in some form. */
  private static List<String> hits(List<Path> places, String text) throws IOException {
    Map<String, byte[]> forms = forms(text);
    List<String> hits = new ArrayList<>();
    for (Path place : places) {
      try (Stream<Path> files = Files.walk(place)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          byte[] bytes = read(file);
          forms.forEach(
              (form, needle) -> {
                if (indexOf(bytes, needle) >= 0) {
                  hits.add(file + ": " + form);
                }
              });
        }
      }
    }
    return hits;
  }

  /**
   * The byte forms text can take in a file: UTF-8, UTF-16 in both byte orders, and base64 at each
   * of the three alignments (16-character pieces of it, which a base64 line break cannot hide all
   * of).
   */
  private static Map<String, byte[]> forms(String text) {
    Map<String, byte[]> forms = new LinkedHashMap<>();
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    forms.put("UTF-8", utf8);
    forms.put("UTF-16LE", text.getBytes(StandardCharsets.UTF_16LE));
    forms.put("UTF-16BE", text.getBytes(StandardCharsets.UTF_16BE));
    for (int shift = 0; shift < 3; shift++) {
      byte[] shifted = new byte[shift + utf8.length];
      System.arraycopy(utf8, 0, shifted, shift, utf8.length);
      String base64 = Base64.getEncoder().encodeToString(shifted);
      // the first group mixes in the shift's bytes, the last one padding: only the rest is fixed
      String fixed = base64.substring(shift == 0 ? 0 : 4, base64.length() - 4);
      for (int at = 0; at + 16 <= fixed.length(); at += 16) {
        forms.put(
            "base64 (shift " + shift + ", piece " + at / 16 + ")",
            fixed.substring(at, at + 16).getBytes(StandardCharsets.US_ASCII));
      }
    }
    return forms;
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
