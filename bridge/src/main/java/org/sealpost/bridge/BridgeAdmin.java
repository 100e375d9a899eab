package org.sealpost.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.sealpost.identity.Account;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.wallet.WalletSignature;

/**
 * The bridge's local control channel, for {@code sealpost account create} against a running {@code
 * sealpost up}: HTTP on the loopback interface only, with a random bearer token in {@code
 * <data>/bridge/admin.json} (mode 0600), so only the data directory's owner can use it.
 */
public final class BridgeAdmin implements AutoCloseable {
  public static final String FILE = "admin.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer http;
  private final Path file;
  private final byte[] token;

  private BridgeAdmin(HttpServer http, Path file, byte[] token) {
    this.http = http;
    this.file = file;
    this.token = token;
  }

  /** What a completed account creation tells the user, besides the credentials. */
  @FunctionalInterface
  public interface Settings {
    ObjectNode describe(Enrollment.Credentials credentials);
  }

  public static BridgeAdmin start(
      Path dataDir, Enrollment enrollment, Settings settings, SecureRandom random)
      throws IOException {
    byte[] tokenBytes = new byte[32];
    random.nextBytes(tokenBytes);
    String token = HexFormat.of().formatHex(tokenBytes);
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    BridgeAdmin admin =
        new BridgeAdmin(
            http,
            dataDir.resolve("bridge").resolve(FILE),
            token.getBytes(StandardCharsets.US_ASCII));
    http.createContext(
        "/accounts/prepare",
        exchange ->
            admin.handle(
                exchange,
                body -> JSON.createObjectNode().put("text", enrollment.prepare(account(body)))));
    http.createContext(
        "/accounts/complete",
        exchange ->
            admin.handle(
                exchange,
                body -> {
                  WalletSignature signature =
                      WalletSignature.parse(body.path("signature").asText());
                  return settings.describe(enrollment.complete(account(body), signature));
                }));
    http.start();
    Files.createDirectories(
        admin.file.getParent(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path temporary =
        Files.createTempFile(
            admin.file.getParent(),
            ".admin",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(
        temporary,
        JSON.createObjectNode()
            .put("url", "http://127.0.0.1:" + http.getAddress().getPort())
            .put("token", token)
            .toPrettyString());
    Files.move(
        temporary,
        admin.file,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return admin;
  }

  private interface Action {
    ObjectNode run(JsonNode body) throws Exception;
  }

  private void handle(HttpExchange exchange, Action action) throws IOException {
    try (exchange) {
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      byte[] presented =
          authorization == null
              ? new byte[0]
              : authorization.replaceFirst("^Bearer ", "").getBytes(StandardCharsets.US_ASCII);
      if (!"POST".equals(exchange.getRequestMethod()) || !MessageDigest.isEqual(presented, token)) {
        reply(
            exchange,
            403,
            error("forbidden", "use sealpost account create on this data directory"));
        return;
      }
      try {
        reply(exchange, 200, action.run(JSON.readTree(exchange.getRequestBody())));
      } catch (MalformedException | Enrollment.EnrollmentException e) {
        reply(exchange, 400, error("refused", e.getMessage()));
      } catch (RuntimeException e) {
        reply(exchange, 500, error("internal", "the bridge failed: " + e.getMessage()));
      }
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  private static Account account(JsonNode body) throws MalformedException {
    return Account.parse(body.path("account").asText());
  }

  private static ObjectNode error(String code, String message) {
    return JSON.createObjectNode().put("error", code).put("message", message);
  }

  private static void reply(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    http.stop(1);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
