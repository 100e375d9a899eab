package org.sealpost.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The mail clients the tests drive are programs on PATH; .ci/run installs them. */
final class Tools {
  private Tools() {}

  static boolean installed(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    return Arrays.stream(path.split(File.pathSeparator))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
  }

  /** Skips the test, saying why and what to install, when a program is not on PATH. */
  static void assumeInstalled(String program, String debianPackage) {
    assumeTrue(
        installed(program),
        program
            + " is not installed: this test needs it (apt-get install "
            + debianPackage
            + "; .ci/run installs it, so CI never skips)");
  }
}
