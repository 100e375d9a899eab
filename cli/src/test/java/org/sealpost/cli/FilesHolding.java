package org.sealpost.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds the files under a directory that hold some bytes: a secret that must not be there. */
final class FilesHolding {
  private FilesHolding() {}

  static List<Path> find(Path dir, byte[] needle) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(f -> contains(f, needle)).toList();
    }
  }

  private static boolean contains(Path file, byte[] needle) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      outer:
      for (int i = 0; i + needle.length <= bytes.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (bytes[i + j] != needle[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }
}
