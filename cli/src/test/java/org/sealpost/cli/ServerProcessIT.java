package org.sealpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.ApiException;
import org.sealpost.client.InstallationAuthorizer;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.Domain;
import org.sealpost.identity.envelope.Author;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.identity.envelope.EnvelopeSealer;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.LinkStatement;
import org.sealpost.identity.wallet.WalletKey;

/**
 * {@code ./sealpost server} as an operator runs it: a separate process, stopped with SIGTERM while
 * a request is still arriving, restarted on the same data directory.
 */
class ServerProcessIT {
  private static final Clock CLOCK = Clock.systemUTC();
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path work;
  private Process process;

  @AfterEach
  void killLeftovers() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  @Test
  void sigtermLetsTheRequestInFlightFinishAndARestartKeepsEverything() throws Exception {
    int port = Command.freePort();
    Path data = work.resolve("data");
    process = start(data, port);
    SealpostClient client = new SealpostClient(URI.create("http://127.0.0.1:" + port), CLOCK);
    awaitReady(client);
    WalletKey wallet =
        WalletKey.parse("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    InstallationKeys keys = InstallationKeys.generate(RANDOM);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    LinkStatement statement =
        LinkStatement.forKeys(
            wallet.account(), Domain.parse("localhost"), keys, now, now.plus(Duration.ofDays(1)));
    Bundle bundle = new Bundle(statement, wallet.signPersonal(statement.text()));
    client.link(bundle);
    Envelope envelope =
        new EnvelopeSealer(CLOCK, RANDOM)
            .seal(
                new Author.Installation(wallet.account(), keys),
                List.of(bundle),
                new byte[64 * 1024]);
    byte[] body = envelope.toByteArray();
    String authorization =
        new InstallationAuthorizer(keys, CLOCK).authorization("POST", "/v1/envelopes", body);

    String response;
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/envelopes HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-protobuf\r\n"
                  + "Authorization: "
                  + authorization
                  + "\r\nContent-Length: "
                  + body.length
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, body.length / 2);
      out.flush();
      TimeUnit.MILLISECONDS.sleep(500); // the server has the request in hand
      process.destroy(); // SIGTERM
      TimeUnit.MILLISECONDS.sleep(500);
      out.write(body, body.length / 2, body.length - body.length / 2);
      out.flush();
      response = readAll(socket.getInputStream());
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(work.resolve("server.log"));

    assertThat(response).startsWith("HTTP/1.1 202");
    assertThat(process.exitValue()).isIn(0, 143);
    assertThat(log).contains("Sealpost home server stopped").doesNotContain("Exception");

    process = start(data, port);
    awaitReady(client);
    var inbox = client.as(keys).inbox(Optional.empty(), 10).entries();
    assertThat(inbox).hasSize(1);
    assertThat(inbox.get(0).envelope().id()).isEqualTo(envelope.id());
  }

  @Test
  void aServerThatCannotStartSaysWhyInOneLine() throws Exception {
    Path data = Files.createDirectories(work.resolve("data"));
    Files.writeString(data.resolve("sealpost.properties"), "limits.envelope-max-bytes = lots\n");

    Command run = Command.run(work, List.of(Command.LAUNCHER, "server", "--data", data.toString()));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stderr().strip())
        .isEqualTo(
            "sealpost: limits.envelope-max-bytes (from "
                + data.resolve("sealpost.properties")
                + "): 'lots' (expected: a whole number)");
  }

  private Process start(Path data, int port) throws IOException {
    return new ProcessBuilder(
            Command.LAUNCHER,
            "server",
            "--data",
            data.toString(),
            "--domain",
            "localhost",
            "--http-port",
            String.valueOf(port))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("server.log").toFile()))
        .start();
  }

  private static void awaitReady(SealpostClient client) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        client.serverInfo();
        return;
      } catch (ApiException starting) {
        TimeUnit.MILLISECONDS.sleep(200);
      }
    }
    throw new AssertionError("the server did not start within 60 s");
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    in.transferTo(bytes);
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
