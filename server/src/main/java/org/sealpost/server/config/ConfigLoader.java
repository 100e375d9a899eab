package org.sealpost.server.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MalformedException;

/**
 * Reads configuration in layers, each overriding the one before: built-in defaults, the properties
 * file ({@code <data>/sealpost.properties} or {@code --config}), environment variables ({@code
 * SEALPOST_HTTP_PORT} for {@code http.port}), then command-line flags. Unknown keys are errors, so
 * a typo never silently leaves a default in force.
 */
public final class ConfigLoader {
  public static final String FILE_NAME = "sealpost.properties";
  private static final String ENV_PREFIX = "SEALPOST_";

  /** Variables of the ./sealpost launcher itself, not settings. */
  private static final Set<String> LAUNCHER_VARIABLES = Set.of("SEALPOST_JAVA_OPTS");

  /** Every key and its default; docs/configuration.md mirrors this table. */
  static final Map<String, String> DEFAULTS = defaults();

  private final Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
  private final Map<String, String> sources = new LinkedHashMap<>();

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("domain", "localhost");
    d.put("data-dir", "./sealpost-data");
    d.put("http.host", "127.0.0.1");
    d.put("http.port", "8080");
    d.put("http.public-url", "");
    d.put("http.shutdown-grace-seconds", "10");
    d.put("database.url", "");
    d.put("database.user", "sealpost");
    d.put("database.password", "");
    d.put("database.pool-size", "10");
    d.put("limits.envelope-max-bytes", String.valueOf(25L * 1024 * 1024));
    d.put("limits.installations-per-account", "10");
    d.put("limits.installation-requests-per-second", "20");
    d.put("limits.installation-burst", "200");
    d.put("limits.ip-requests-per-second", "50");
    d.put("limits.ip-burst", "500");
    d.put("limits.auth-clock-skew-seconds", "300");
    d.put("limits.inbox-page-size", "500");
    d.put("limits.submissions-per-minute", "30");
    d.put("limits.submission-burst", "30");
    d.put("server-key.passphrase", "");
    d.put("mail.imap.host", "");
    d.put("mail.imap.port", "1143");
    d.put("mail.imap.socket-type", "STARTTLS");
    d.put("mail.smtp.host", "");
    d.put("mail.smtp.port", "1587");
    d.put("mail.smtp.socket-type", "STARTTLS");
    return java.util.Collections.unmodifiableMap(d);
  }

  /** The keys a configuration may set. */
  public static Set<String> keys() {
    return DEFAULTS.keySet();
  }

  /** Layers a properties file over what is set so far. */
  public ConfigLoader file(Path file) throws ConfigException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
    }
    for (String key : properties.stringPropertyNames()) {
      set(key, properties.getProperty(key).strip(), file.toString());
    }
    return this;
  }

  /** Layers {@code SEALPOST_*} variables: {@code SEALPOST_HTTP_PORT} sets {@code http.port}. */
  public ConfigLoader environment(Map<String, String> environment) throws ConfigException {
    for (Map.Entry<String, String> entry : environment.entrySet()) {
      if (!entry.getKey().startsWith(ENV_PREFIX) || LAUNCHER_VARIABLES.contains(entry.getKey())) {
        continue;
      }
      String key = keyOf(entry.getKey());
      if (key == null) {
        throw new ConfigException(
            "unknown environment variable "
                + entry.getKey()
                + " (settings: "
                + String.join(", ", DEFAULTS.keySet().stream().map(ConfigLoader::envName).toList())
                + ")");
      }
      set(key, entry.getValue(), "environment " + entry.getKey());
    }
    return this;
  }

  /** Layers one value, e.g. from a command-line flag. Null values are ignored. */
  public ConfigLoader set(String key, String value, String source) throws ConfigException {
    if (!DEFAULTS.containsKey(key)) {
      throw new ConfigException("unknown setting '" + key + "' in " + source);
    }
    if (value != null) {
      values.put(key, value);
      sources.put(key, source);
    }
    return this;
  }

  /** The data directory chosen so far, to find its properties file before loading it. */
  public Path dataDir() {
    return Path.of(values.get("data-dir"));
  }

  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static String keyOf(String envName) {
    return DEFAULTS.keySet().stream()
        .filter(k -> envName(k).equals(envName))
        .findFirst()
        .orElse(null);
  }

  public ServerConfig load() throws ConfigException {
    Domain domain = domain("domain");
    int httpPort = port("http.port");
    URI publicUrl =
        values.get("http.public-url").isEmpty()
            ? URI.create("http://" + domain.name() + ":" + httpPort)
            : uri("http.public-url");
    String imapHost = orDomain("mail.imap.host", domain);
    String smtpHost = orDomain("mail.smtp.host", domain);
    return new ServerConfig(
        domain,
        dataDir(),
        new ServerConfig.Http(
            values.get("http.host"),
            httpPort,
            publicUrl,
            Duration.ofSeconds(integer("http.shutdown-grace-seconds", 0, 3600))),
        new ServerConfig.Database(
            Optional.of(values.get("database.url")).filter(url -> !url.isEmpty()),
            values.get("database.user"),
            values.get("database.password"),
            integer("database.pool-size", 1, 1000)),
        new ServerConfig.Limits(
            longValue("limits.envelope-max-bytes", 1024, 1L << 31),
            integer("limits.installations-per-account", 1, 10_000),
            decimal("limits.installation-requests-per-second"),
            integer("limits.installation-burst", 1, 1_000_000),
            decimal("limits.ip-requests-per-second"),
            integer("limits.ip-burst", 1, 1_000_000),
            Duration.ofSeconds(integer("limits.auth-clock-skew-seconds", 1, 86_400)),
            integer("limits.inbox-page-size", 1, 10_000),
            decimal("limits.submissions-per-minute"),
            integer("limits.submission-burst", 1, 1_000_000)),
        new ServerConfig.MailClients(
            new ServerConfig.Endpoint(
                imapHost, port("mail.imap.port"), socketType("mail.imap.socket-type")),
            new ServerConfig.Endpoint(
                smtpHost, port("mail.smtp.port"), socketType("mail.smtp.socket-type"))),
        new ServerConfig.ServerKey(
            Optional.of(values.get("server-key.passphrase")).filter(p -> !p.isEmpty())));
  }

  private String where(String key) {
    return key + " (from " + sources.getOrDefault(key, "the defaults") + ")";
  }

  private Domain domain(String key) throws ConfigException {
    try {
      return Domain.parse(values.get(key));
    } catch (MalformedException e) {
      throw new ConfigException(where(key) + ": " + e.getMessage());
    }
  }

  private String orDomain(String key, Domain domain) {
    String value = values.get(key);
    return value.isEmpty() ? domain.name() : value;
  }

  private int port(String key) throws ConfigException {
    return integer(key, 0, 65535);
  }

  private int integer(String key, int min, int max) throws ConfigException {
    return (int) longValue(key, min, max);
  }

  private long longValue(String key, long min, long max) throws ConfigException {
    String value = values.get(key);
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new ConfigException(where(key) + ": '" + value + "' (expected: a whole number)");
    }
    if (parsed < min || parsed > max) {
      throw new ConfigException(
          where(key) + ": " + parsed + " (expected: " + min + " to " + max + ")");
    }
    return parsed;
  }

  private double decimal(String key) throws ConfigException {
    String value = values.get(key);
    try {
      double parsed = Double.parseDouble(value);
      if (!(parsed > 0) || Double.isInfinite(parsed)) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new ConfigException(where(key) + ": '" + value + "' (expected: a number above 0)");
    }
  }

  private URI uri(String key) throws ConfigException {
    String value = values.get(key);
    try {
      URI uri = new URI(value);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw new URISyntaxException(value, "not http or https");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException(where(key) + ": '" + value + "' (expected: an http or https URL)");
    }
  }

  private String socketType(String key) throws ConfigException {
    String value = values.get(key).toUpperCase(Locale.ROOT);
    if (!Set.of("SSL", "STARTTLS", "PLAIN").contains(value)) {
      throw new ConfigException(
          where(key) + ": '" + values.get(key) + "' (expected: SSL, STARTTLS or plain)");
    }
    return value.equals("PLAIN") ? "plain" : value;
  }
}
