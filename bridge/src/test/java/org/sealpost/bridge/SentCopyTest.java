package org.sealpost.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SentCopyTest {
  @Test
  void markPutsTheMarkerFirstAndLeavesTheMessageAsItWas() {
    byte[] mime = "From: a@b\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] marked = SentCopy.mark(mime);
    assertThat(new String(marked, StandardCharsets.US_ASCII))
        .isEqualTo("X-Sealpost-Sent-Copy: 1\r\nFrom: a@b\r\n\r\nbody\r\n");
    assertThat(SentCopy.isMarked(marked)).isTrue();
    assertThat(SentCopy.isMarked(mime)).isFalse();
  }

  @Test
  void onlyTheHeaderSectionCounts() {
    assertThat(
            SentCopy.isMarked(
                "From: a@b\r\n\r\nX-Sealpost-Sent-Copy: 1\r\n".getBytes(StandardCharsets.US_ASCII)))
        .isFalse();
    assertThat(
            SentCopy.isMarked(
                "from: a@b\nx-sealpost-sent-copy:   1\n\nb".getBytes(StandardCharsets.US_ASCII)))
        .isTrue();
  }
}
