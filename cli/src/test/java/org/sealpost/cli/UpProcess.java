package org.sealpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code ./sealpost up} process (home server and both bridges) on free ports, with its
 * output in a log file, and the accounts created on it with {@code ./sealpost account create}.
 */
final class UpProcess implements AutoCloseable {
  final Path work;
  final Path data;
  final Path log;
  final int httpPort;
  final int imapPort;
  final int imapsPort;
  final int submissionPort;
  final int submissionsPort;
  final int gatewayPort;
  private final Process process;

  private UpProcess(Path work, Process process, int[] ports) {
    this.work = work;
    this.data = work.resolve("data");
    this.log = work.resolve("up.log");
    this.process = process;
    this.httpPort = ports[0];
    this.imapPort = ports[1];
    this.imapsPort = ports[2];
    this.submissionPort = ports[3];
    this.submissionsPort = ports[4];
    this.gatewayPort = ports[5];
  }

  /**
   * Starts {@code up} with its data in {@code work/data}; returns once IMAP accepts connections.
   */
  static UpProcess start(Path work) throws IOException, InterruptedException {
    // Every listener on a free port: a default port may be taken by another process here.
    int[] ports = new int[6];
    for (int i = 0; i < ports.length; i++) {
      ports[i] = Command.freePort();
    }
    Process process =
        new ProcessBuilder(
                Command.LAUNCHER,
                "up",
                "--data",
                work.resolve("data").toString(),
                "--http-port",
                String.valueOf(ports[0]),
                "--imap-port",
                String.valueOf(ports[1]),
                "--imaps-port",
                String.valueOf(ports[2]),
                "--submission-port",
                String.valueOf(ports[3]),
                "--submissions-port",
                String.valueOf(ports[4]),
                "--smtp-port",
                String.valueOf(ports[5]))
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("up.log").toFile())
            .start();
    UpProcess up = new UpProcess(work, process, ports);
    up.awaitReady();
    return up;
  }

  String serverUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  /**
   * An account for the wallet with private key {@code walletKeyHex}: the JSON account create
   * printed.
   */
  Credentials createAccount(String name, String walletKeyHex) throws IOException {
    Path keyFile = Files.writeString(work.resolve(name + ".key"), walletKeyHex + "\n");
    Command created =
        Command.sealpost(
            work,
            "account",
            "create",
            "--data",
            data.toString(),
            "--wallet-key-file",
            keyFile.toString());
    assertThat(created.exitCode()).as("account create: %s", created).isZero();
    JsonNode json = new ObjectMapper().readTree(created.stdout());
    assertThat(json.path("imap").path("port").asInt()).isEqualTo(imapPort);
    return new Credentials(
        json.path("account").asText(), json.path("mail").asText(), json.path("password").asText());
  }

  /** What a mail client logs in with. */
  record Credentials(String account, String mail, String password) {}

  /** Stops the process as Ctrl-C would (SIGTERM: a clean shutdown) and waits for it. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("sealpost up exited early:\n" + Files.readString(log));
      }
      if (Files.exists(data.resolve("bridge").resolve("admin.json")) && accepts(imapPort)) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    process.destroyForcibly();
    throw new AssertionError("sealpost up not ready after 120 s:\n" + Files.readString(log));
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
