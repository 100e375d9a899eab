package org.sealpost.bridge;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;
import org.sealpost.identity.Account;
import org.sealpost.identity.MailAddress;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.installation.InstallationId;

/**
 * The bridge's accounts, one small JSON file each under {@code <data>/bridge/accounts/}, readable
 * by the bridge's user only and written atomically. They hold only the locked keys and the password
 * hash. (The mailbox state of the IMAP bridge will live in the database; see
 * docs/adr/0004-imap-bridge.md.)
 */
public final class BridgeAccounts {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;

  public BridgeAccounts(Path dataDir) {
    this.dir = requireNonNull(dataDir, "dataDir").resolve("bridge").resolve("accounts");
  }

  public Optional<BridgeAccount> find(Account account) {
    Path file = file(account);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(file.toFile());
      return Optional.of(
          new BridgeAccount(
              MailAddress.parse(node.path("mail").asText()),
              new LockedInstallation(
                  InstallationId.parse("installation", node.path("installation").asText()),
                  Base64.getDecoder().decode(node.path("lockedKeys").asText())),
              node.path("passwordHash").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (MalformedException | IllegalArgumentException e) {
      throw new IllegalStateException(file + " is damaged: " + e.getMessage(), e);
    }
  }

  /** Saves {@code account}, replacing an earlier one of the same account (a re-link). */
  public void save(BridgeAccount account) {
    byte[] content =
        JSON.createObjectNode()
            .put("mail", account.mail().toString())
            .put("installation", account.installation().id().hex())
            .put("lockedKeys", Base64.getEncoder().encodeToString(account.installation().box()))
            .put("passwordHash", account.passwordHash())
            .toPrettyString()
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path temporary =
          Files.createTempFile(
              dir,
              ".account",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.write(temporary, content);
        Files.move(
            temporary,
            file(account.mail().account()),
            java.nio.file.StandardCopyOption.ATOMIC_MOVE,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the account of " + account.mail(), e);
    }
  }

  private Path file(Account account) {
    return dir.resolve(account.canonical() + ".json");
  }
}
