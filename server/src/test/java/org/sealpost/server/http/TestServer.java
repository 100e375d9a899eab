package org.sealpost.server.http;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.sealpost.server.HomeServer;
import org.sealpost.server.config.ConfigLoader;
import org.sealpost.server.config.ServerConfig;

/** A real home server on a free loopback port, for tests that talk to it over HTTP. */
final class TestServer implements AutoCloseable {
  static final String DOMAIN = "home.test";

  private final HomeServer server;
  final ServerConfig config;

  private TestServer(HomeServer server, ServerConfig config) {
    this.server = server;
    this.config = config;
  }

  /**
   * Starts a server on {@code dataDir}; {@code settings} override the test defaults (small limits
   * that the tests exercise).
   */
  static TestServer start(Path dataDir, Map<String, String> settings) throws Exception {
    ConfigLoader loader =
        new ConfigLoader()
            .set("data-dir", dataDir.toString(), "test")
            .set("domain", DOMAIN, "test")
            .set("http.port", "0", "test")
            .set("http.shutdown-grace-seconds", "2", "test")
            .set("limits.envelope-max-bytes", String.valueOf(256 * 1024), "test")
            .set("limits.installations-per-account", "3", "test")
            .set("limits.installation-burst", "60", "test")
            .set("limits.installation-requests-per-second", "1", "test");
    for (var setting : settings.entrySet()) {
      loader.set(setting.getKey(), setting.getValue(), "test");
    }
    ServerConfig config = loader.load();
    return new TestServer(HomeServer.start(config, Clock.systemUTC()), config);
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.httpPort());
  }

  HomeServer server() {
    return server;
  }

  @Override
  public void close() {
    server.close();
  }
}
