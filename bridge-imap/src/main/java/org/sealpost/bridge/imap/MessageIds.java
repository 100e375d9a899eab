package org.sealpost.bridge.imap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import org.apache.james.mime4j.dom.Header;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.Field;

/** The Message-ID header of a message, which is how the same message sent twice is recognised. */
final class MessageIds {
  private MessageIds() {}

  /** The Message-ID of {@code mime} as written (angle brackets included), if it has one. */
  static Optional<String> of(byte[] mime) {
    try {
      Header header = new DefaultMessageBuilder().parseHeader(new ByteArrayInputStream(mime));
      Field field = header.getField("Message-ID");
      if (field == null || field.getBody() == null || field.getBody().isBlank()) {
        return Optional.empty();
      }
      return Optional.of(field.getBody().strip());
    } catch (IOException e) {
      return Optional.empty(); // a header section we cannot read has no usable Message-ID
    }
  }
}
