package org.sealpost.bridge.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.sealpost.identity.Account;

class SendRateTest {
  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-11-24T10:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aBurstPassesThenTheBucketRefillsAtTheConfiguredRate() throws Exception {
    ManualClock clock = new ManualClock();
    SendRate rate = new SendRate(new SendRate.Limit(6, 2), clock); // one token every 10 s
    Account alice = Account.parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    Account bob = Account.parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
    assertThat(rate.take(alice)).isEmpty();
    assertThat(rate.take(alice)).isEmpty();
    assertThat(rate.take(alice)).contains(Duration.ofSeconds(10));
    assertThat(rate.take(bob)).as("each account has its own bucket").isEmpty();
    clock.now = clock.now.plusSeconds(4);
    assertThat(rate.take(alice)).contains(Duration.ofSeconds(6));
    clock.now = clock.now.plusSeconds(6);
    assertThat(rate.take(alice)).isEmpty();
    assertThat(rate.take(alice)).isPresent();
  }
}
