package org.sealpost.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OwnCopyTest {
  private static final byte[] MIME =
      "From: a@b\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

  @Test
  void markPutsTheMarkerFirstAndUnmarkGivesTheMessageBackByteForByte() {
    byte[] marked = OwnCopy.mark(MIME, OwnCopy.SENT);
    assertThat(new String(marked, StandardCharsets.US_ASCII))
        .isEqualTo("X-Sealpost-Folder: Sent\r\nFrom: a@b\r\n\r\nbody\r\n");
    assertThat(OwnCopy.markedFolder(marked)).contains("Sent");
    assertThat(OwnCopy.markedFolder(MIME)).isEmpty();
    assertThat(OwnCopy.unmark(marked)).isEqualTo(MIME);
    assertThat(OwnCopy.unmark(MIME)).isEqualTo(MIME);
  }

  @Test
  void folderNamesWithSpacesAndNonAsciiSurviveTheAsciiHeader() {
    byte[] marked = OwnCopy.mark(MIME, "Reisen 2026/Zürich & more");
    String header = new String(marked, StandardCharsets.ISO_8859_1).lines().findFirst().get();
    assertThat(header).isEqualTo("X-Sealpost-Folder: Reisen%202026%2FZ%C3%BCrich%20%26%20more");
    assertThat(OwnCopy.markedFolder(marked)).contains("Reisen 2026/Zürich & more");
  }

  @Test
  void onlyTheHeaderSectionCountsAndAnyLetterCaseOfTheName() {
    assertThat(
            OwnCopy.markedFolder(
                "From: a@b\r\n\r\nX-Sealpost-Folder: Sent\r\n".getBytes(StandardCharsets.US_ASCII)))
        .isEmpty();
    assertThat(
            OwnCopy.markedFolder(
                "from: a@b\nx-sealpost-folder:   Drafts\n\nb".getBytes(StandardCharsets.US_ASCII)))
        .contains("Drafts");
  }

  @Test
  void aHeaderWeDidNotWriteNamesNoFolder() {
    assertThat(
            OwnCopy.markedFolder(
                "X-Sealpost-Folder: %zz\r\n\r\nb".getBytes(StandardCharsets.US_ASCII)))
        .isEmpty();
    assertThat(
            OwnCopy.markedFolder(
                "X-Sealpost-Folder: %20\r\n\r\nb".getBytes(StandardCharsets.US_ASCII)))
        .isEmpty();
  }

  @Test
  void aBlankFolderIsRefused() {
    assertThatThrownBy(() -> OwnCopy.mark(MIME, " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("folder");
  }
}
