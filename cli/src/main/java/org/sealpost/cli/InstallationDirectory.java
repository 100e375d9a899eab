package org.sealpost.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.ProtocolTime;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.LinkStatement;
import org.sealpost.wire.BundleJson;

/**
 * An installation kept in a directory by the offline commands.
 *
 * <ul>
 *   <li>{@code installation.json}: account, home, validity and the two private keys. Created with
 *       mode 0600 in a directory created 0700; the private keys are protected by file permissions,
 *       not encrypted (docs/cli.md says so). Never overwritten.
 *   <li>{@code bundle.json}: the §2.2 bundle, written once the wallet has signed.
 * </ul>
 */
final class InstallationDirectory {
  static final String INSTALLATION_FILE = "installation.json";
  static final String BUNDLE_FILE = "bundle.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private final Path dir;
  private final LinkStatement statement;
  private final InstallationKeys keys;

  private InstallationDirectory(Path dir, LinkStatement statement, InstallationKeys keys) {
    this.dir = dir;
    this.statement = statement;
    this.keys = keys;
  }

  /** Creates a new installation in {@code dir}; refuses a directory that already holds one. */
  static InstallationDirectory create(
      Path dir,
      Account account,
      Domain home,
      InstallationKeys keys,
      Instant issuedAt,
      Instant expiresAt)
      throws IOException, UserError {
    Path file = dir.resolve(INSTALLATION_FILE);
    if (Files.exists(file)) {
      throw new UserError(
          dir
              + " already holds an installation; choose an empty --dir (keys are never overwritten)");
    }
    SafeFiles.createPrivateDirectories(dir);
    LinkStatement statement = LinkStatement.forKeys(account, home, keys, issuedAt, expiresAt);
    ObjectNode node =
        JSON.createObjectNode()
            .put("account", account.canonical())
            .put("home", home.name())
            .put("installation", keys.id().hex())
            .put("issuedAt", ProtocolTime.format(issuedAt))
            .put("expiresAt", ProtocolTime.format(expiresAt))
            .put("signingPrivateKey", HEX.formatHex(keys.signing().privateKey()))
            .put("encryptionPrivateKey", HEX.formatHex(keys.encryptionPrivateKey()));
    SafeFiles.createSecret(file, (node.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8));
    return new InstallationDirectory(dir, statement, keys);
  }

  static InstallationDirectory open(Path dir) throws IOException, UserError, MalformedException {
    Path file = dir.resolve(INSTALLATION_FILE);
    if (!Files.exists(file)) {
      throw new UserError(
          "no installation in "
              + dir
              + " (expected "
              + INSTALLATION_FILE
              + "; create one with: sealpost installation new)");
    }
    ObjectNode node;
    try {
      node = (ObjectNode) JSON.readTree(SafeFiles.readText(file));
    } catch (JsonProcessingException | ClassCastException e) {
      throw new MalformedException(file + ": not an installation file");
    }
    InstallationKeys keys =
        InstallationKeys.fromPrivateKeys(
            hex(file, node, "signingPrivateKey"), hex(file, node, "encryptionPrivateKey"));
    if (!keys.id().hex().equals(field(file, node, "installation"))) {
      throw new MalformedException(file + ": the private keys do not match the installation id");
    }
    LinkStatement statement =
        LinkStatement.forKeys(
            Account.parse(field(file, node, "account")),
            Domain.parse(field(file, node, "home")),
            keys,
            ProtocolTime.parse("issuedAt", field(file, node, "issuedAt")),
            ProtocolTime.parse("expiresAt", field(file, node, "expiresAt")));
    return new InstallationDirectory(dir, statement, keys);
  }

  LinkStatement statement() {
    return statement;
  }

  Account account() {
    return statement.account();
  }

  InstallationKeys keys() {
    return keys;
  }

  Path bundleFile() {
    return dir.resolve(BUNDLE_FILE);
  }

  void writeBundle(Bundle bundle) throws IOException {
    SafeFiles.replace(
        bundleFile(), (BundleJson.toPrettyJson(bundle) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static String field(Path file, ObjectNode node, String name) throws MalformedException {
    if (!node.path(name).isTextual()) {
      throw new MalformedException(file + ": field \"" + name + "\" is missing");
    }
    return node.get(name).textValue();
  }

  private static byte[] hex(Path file, ObjectNode node, String name) throws MalformedException {
    try {
      return HEX.parseHex(field(file, node, name));
    } catch (IllegalArgumentException e) {
      throw new MalformedException(file + ": field \"" + name + "\" is not hex");
    }
  }
}
