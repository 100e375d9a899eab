package org.sealpost.bridge.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sealpost.identity.MailAddress;

class MimeHeadersTest {
  private static final String OWN = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266@home.test";

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void withoutRemovesAFoldedFieldAndKeepsEveryOtherByte() {
    String message =
        "From: a@home.test\r\nBcc: x@home.test,\r\n y@home.test\r\nSubject: s\r\n"
            + "BCC : z@home.test\r\nResent-Bcc: r@home.test\r\n\r\n"
            + "Bcc: in the body stays\r\n";
    byte[] stripped = MimeHeaders.of(bytes(message)).without("bcc", "Resent-Bcc");
    assertThat(new String(stripped, StandardCharsets.UTF_8))
        .isEqualTo("From: a@home.test\r\nSubject: s\r\n\r\nBcc: in the body stays\r\n");
  }

  @Test
  void bareLineFeedsAreReadToo() {
    MimeHeaders headers = MimeHeaders.of(bytes("Subject: hi\nBcc: b@x\n\nbody\n"));
    assertThat(headers.first("Subject")).contains("hi");
    assertThat(new String(headers.without("Bcc"), StandardCharsets.UTF_8))
        .isEqualTo("Subject: hi\n\nbody\n");
  }

  @Test
  void prependPutsFieldsFirst() {
    byte[] out = MimeHeaders.prepend(bytes("Subject: s\r\n\r\nb"), List.of("Date: d"));
    assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("Date: d\r\nSubject: s\r\n\r\nb");
  }

  @Test
  void theFromMustBeTheLoggedInAddressInAnyCaseWithAnyDisplayName() throws Exception {
    MailAddress own = MailAddress.parse(OWN);
    assertThat(check("From: \"Me\" <" + OWN.toUpperCase().replace("0X", "0x") + ">", own))
        .isEmpty();
    assertThat(check("From: " + OWN, own)).isEmpty();
    assertThat(check("From: other@home.test", own))
        .hasValueSatisfying(reply -> assertThat(reply.toString()).startsWith("550 5.7.1"));
    assertThat(check("From: " + OWN + ", other@home.test", own)).isPresent();
    assertThat(check("Subject: none", own))
        .hasValueSatisfying(reply -> assertThat(reply.text()).contains("no From header"));
  }

  private static java.util.Optional<Reply> check(String header, MailAddress own) {
    return SubmissionDelivery.checkFrom(MimeHeaders.of(bytes(header + "\r\n\r\nbody")), own);
  }
}
