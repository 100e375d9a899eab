package org.sealpost.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.installation.SigningKeys;
import org.sealpost.identity.secret.PassphraseBox;

/**
 * The server's Ed25519 key (PROTOCOL.md §4): generated on first start into the data directory and
 * kept there. With a passphrase configured the file is a {@link PassphraseBox} (encrypted at rest);
 * without one it is the hex private key in a file only the server's user can read, and the server
 * says so at start-up.
 */
public final class ServerKey {
  static final String FILE = "server-key";

  private ServerKey() {}

  /** Loads the key, creating it if the data directory has none. */
  public static SigningKeys loadOrCreate(Path dataDir, Optional<char[]> passphrase)
      throws IOException, MalformedException, PassphraseBox.WrongPassphraseException {
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      create(file, passphrase);
    }
    byte[] stored = Files.readAllBytes(file);
    byte[] seed =
        passphrase.isPresent()
            ? PassphraseBox.open(stored, passphrase.get())
            : hex(file, new String(stored, StandardCharsets.US_ASCII).strip());
    return SigningKeys.fromPrivateKey(seed);
  }

  /** Whether the key on disk is encrypted. */
  public static boolean isEncrypted(Path dataDir) throws IOException {
    byte[] stored = Files.readAllBytes(dataDir.resolve(FILE));
    return stored.length > 4 && new String(stored, 0, 4, StandardCharsets.US_ASCII).equals("SPBX");
  }

  private static void create(Path file, Optional<char[]> passphrase) throws IOException {
    SecureRandom random = new SecureRandom();
    SigningKeys keys = SigningKeys.generate(random);
    byte[] content =
        passphrase.isPresent()
            ? PassphraseBox.RECOMMENDED.seal(keys.privateKey(), passphrase.get(), random)
            : (HexFormat.of().formatHex(keys.privateKey()) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
    Files.createDirectories(file.getParent());
    Path temporary =
        Files.createTempFile(
            file.getParent(),
            ".server-key",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.write(temporary, content);
      Files.createLink(file, temporary); // complete or absent, and never over an existing key
    } catch (FileAlreadyExistsException raced) {
      // another process created it first: use theirs
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static byte[] hex(Path file, String text) throws MalformedException {
    if (text.startsWith("SPBX")) {
      throw new MalformedException(
          file + " is encrypted: configure its passphrase (SEALPOST_SERVER_KEY_PASSPHRASE)");
    }
    try {
      return HexFormat.of().parseHex(text);
    } catch (IllegalArgumentException e) {
      throw new MalformedException(file + ": not a server key (expected 64 hex digits)");
    }
  }
}
