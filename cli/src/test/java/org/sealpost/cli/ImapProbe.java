package org.sealpost.cli;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Jakarta Mail as the tests' own IMAP client: it waits until the bridge has synced a message (the
 * bridge follows an inbox from the first login on), so that each real client is then tested on what
 * is there, not on how fast it arrives.
 */
final class ImapProbe {
  private ImapProbe() {}

  static Store connect(int port, String user, String password) throws MessagingException {
    Properties props = new Properties();
    props.put("mail.imap.host", "127.0.0.1");
    props.put("mail.imap.port", String.valueOf(port));
    props.put("mail.imap.connectiontimeout", "10000");
    props.put("mail.imap.timeout", "30000");
    Store store = Session.getInstance(props).getStore("imap");
    store.connect(user, password);
    return store;
  }

  /** The UID of the message with {@code subject} in {@code folder}, waiting up to 60 s for it. */
  static long awaitSubject(int port, String user, String password, String folder, String subject)
      throws MessagingException, InterruptedException {
    Store store = connect(port, user, password);
    try {
      Folder open = store.getFolder(folder);
      open.open(Folder.READ_ONLY);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      do {
        for (Message message : open.getMessages()) {
          if (subject.equals(message.getSubject())) {
            return ((UIDFolder) open).getUID(message);
          }
        }
        TimeUnit.MILLISECONDS.sleep(200);
        open.getMessageCount(); // a NOOP: lets the server announce new mail
      } while (System.nanoTime() < deadline);
      throw new AssertionError("no message '" + subject + "' in " + folder + " after 60 s");
    } finally {
      store.close();
    }
  }
}
