package org.sealpost.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a real process (the launcher, node) and keeps what it printed. */
record Command(int exitCode, byte[] stdout, String stderr) {
  /** The ./sealpost launcher and the independent JS implementation, set by the Failsafe config. */
  static final String LAUNCHER = System.getProperty("sealpost.launcher");

  static final String INTEROP = System.getProperty("sealpost.interop");

  /** Runs {@code ./sealpost ARGS} in {@code workDir}. */
  static Command sealpost(Path workDir, String... args) {
    return run(workDir, args(LAUNCHER, args));
  }

  /** Runs {@code node interop/js/sealpost.mjs ARGS} in {@code workDir}. */
  static Command node(Path workDir, String... args) {
    List<String> command = args("node", INTEROP);
    command.addAll(List.of(args));
    return run(workDir, command);
  }

  /** A TCP port free on loopback right now. */
  static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Command run(Path workDir, List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      process.getOutputStream().close();
      CompletableFuture<byte[]> out = readAll(process.getInputStream());
      CompletableFuture<byte[]> err = readAll(process.getErrorStream());
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new Command(
          process.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static List<String> args(String first, String... rest) {
    List<String> all = new ArrayList<>();
    all.add(first);
    all.addAll(List.of(rest));
    return all;
  }

  String stdoutText() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  private static CompletableFuture<byte[]> readAll(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  @Override
  public String toString() {
    return "exit " + exitCode + ", stdout " + stdout.length + " bytes, stderr: " + stderr;
  }
}
