package org.sealpost.server.http;

import java.util.Map;

/** The client API on the embedded default: H2 in the data directory. */
class H2ClientApiIT extends ClientApiContract {
  @Override
  Map<String, String> databaseSettings() {
    return Map.of();
  }
}
