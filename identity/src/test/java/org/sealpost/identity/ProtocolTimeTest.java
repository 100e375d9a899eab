package org.sealpost.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProtocolTimeTest {

  @Test
  void wholeSecondUtcTimesRoundTrip() throws MalformedException {
    Instant time = ProtocolTime.parse("issuedAt", "2026-11-24T10:00:00Z");

    assertThat(ProtocolTime.format(time)).isEqualTo("2026-11-24T10:00:00Z");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-24T10:00:00.000Z",
        "2026-11-24T10:00:00+00:00",
        "2026-11-24 10:00:00Z",
        "2026-11-24T24:00:00Z",
        "2026-11-24T23:59:60Z",
        "2026-02-30T10:00:00Z",
        "2026-11-24T10:00Z"
      })
  void anyOtherSpellingIsMalformedBecauseSignedTextsMustRoundTrip(String text) {
    assertThatThrownBy(() -> ProtocolTime.parse("issuedAt", text))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith("issuedAt: ");
  }

  @Test
  void fractionsOfASecondCannotBeFormatted() {
    assertThatThrownBy(() -> ProtocolTime.format(Instant.parse("2026-11-24T10:00:00.5Z")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
