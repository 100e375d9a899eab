package org.sealpost.bridge.imap;

import java.io.IOException;
import org.apache.james.core.Username;

/** Where message bytes come from: opened from an envelope on demand, never read from disk. */
interface MessageContents {
  /** The bytes a client sees for {@code key}, owned by {@code owner}. */
  byte[] open(Username owner, String key) throws IOException;
}
