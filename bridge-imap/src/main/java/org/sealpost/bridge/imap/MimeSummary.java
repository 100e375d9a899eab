package org.sealpost.bridge.imap;

import java.io.ByteArrayInputStream;
import org.apache.james.mailbox.store.mail.model.impl.Properties;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.message.DefaultBodyDescriptorBuilder;
import org.apache.james.mime4j.message.MaximalBodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

/** Top-level MIME facts James wants, computed as StoreMessageManager does at APPEND. */
record MimeSummary(int bodyStart, Properties properties) {
  static MimeSummary of(byte[] raw) throws Exception {
    int bodyStart = findBodyStart(raw);
    MimeTokenStream parser =
        new MimeTokenStream(
            MimeConfig.PERMISSIVE,
            new DefaultBodyDescriptorBuilder(
                null,
                new org.apache.james.mime4j.field.LenientFieldParser(),
                DecodeMonitor.SILENT));
    parser.setRecursionMode(RecursionMode.M_NO_RECURSE);
    parser.parse(new ByteArrayInputStream(raw));
    EntityState s = parser.next();
    while (s != EntityState.T_BODY
        && s != EntityState.T_END_OF_STREAM
        && s != EntityState.T_START_MULTIPART) {
      s = parser.next();
    }
    MaximalBodyDescriptor d = (MaximalBodyDescriptor) parser.getBodyDescriptor();
    String type = d.getMediaType() == null ? "text" : d.getMediaType();
    String sub = d.getMediaType() == null ? "plain" : d.getSubType();
    PropertyBuilder pb = new PropertyBuilder();
    pb.setMediaType(type);
    pb.setSubType(sub);
    pb.setContentID(d.getContentId());
    pb.setContentDescription(d.getContentDescription());
    pb.setContentLocation(d.getContentLocation());
    pb.setContentMD5(d.getContentMD5Raw());
    pb.setContentTransferEncoding(d.getTransferEncoding());
    pb.setContentLanguage(d.getContentLanguage());
    pb.setContentDispositionType(d.getContentDispositionType());
    pb.setContentDispositionParameters(d.getContentDispositionParameters());
    pb.setContentTypeParameters(d.getContentTypeParameters());
    if (d.getCharset() != null) {
      pb.setCharset(d.getCharset());
    } else if ("text".equalsIgnoreCase(type)) {
      pb.setCharset("us-ascii");
    }
    if ("text".equalsIgnoreCase(type)) {
      long lines = 0;
      for (int i = bodyStart; i < raw.length; i++) {
        if (raw[i] == '\n') {
          lines++;
        }
      }
      if (raw.length > bodyStart && raw[raw.length - 1] != '\n') {
        lines++;
      }
      pb.setTextualLineCount(lines);
    }
    return new MimeSummary(bodyStart, pb.build());
  }

  private static int findBodyStart(byte[] b) {
    for (int i = 0; i + 3 < b.length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        return i + 4;
      }
    }
    for (int i = 0; i + 1 < b.length; i++) {
      if (b[i] == '\n' && b[i + 1] == '\n') {
        return i + 2;
      }
    }
    return b.length;
  }
}
