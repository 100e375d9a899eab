package org.sealpost.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * File writes that never leave a half-written file behind (write a sibling, then rename) and that
 * keep secrets readable by their owner only.
 */
final class SafeFiles {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private SafeFiles() {}

  static String readText(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** Creates {@code dir} (and parents) if absent; a new directory is private to its owner. */
  static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (POSIX) {
      Files.createDirectories(dir, attributes("rwx------"));
    } else {
      Files.createDirectories(dir);
    }
  }

  /** Writes {@code content} to a new file readable by its owner only; fails if it exists. */
  static void createSecret(Path file, byte[] content) throws IOException {
    Path temporary = temporarySibling(file, "rw-------");
    try {
      Files.write(temporary, content);
      // A link appears complete or not at all, and fails if the name is taken: an existing
      // installation is never overwritten.
      Files.createLink(file, temporary);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Replaces {@code file} with {@code content} in one step. */
  static void replace(Path file, byte[] content) throws IOException {
    Path temporary = temporarySibling(file, "rw-r--r--");
    try {
      Files.write(temporary, content);
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static Path temporarySibling(Path file, String permissions) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    String prefix = "." + file.getFileName() + ".";
    return POSIX
        ? Files.createTempFile(dir, prefix, ".tmp", attributes(permissions))
        : Files.createTempFile(dir, prefix, ".tmp");
  }

  private static FileAttribute<Set<PosixFilePermission>> attributes(String permissions) {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions));
  }
}
