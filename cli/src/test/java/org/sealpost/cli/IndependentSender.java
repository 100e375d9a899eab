package org.sealpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.wallet.WalletKey;

/**
 * An installation of the independent JavaScript implementation (interop/js), linked on a home
 * server: it seals mail to an account's bundles and publishes it through the client API, and
 * records consent decisions, exactly as another Sealpost client would.
 */
final class IndependentSender {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger SENT = new AtomicInteger();

  private final Path work;
  private final String server;
  private final Path dir;
  final String account;

  private IndependentSender(Path work, String server, Path dir, String account) {
    this.work = work;
    this.server = server;
    this.dir = dir;
    this.account = account;
  }

  /**
   * Generates an installation of the wallet {@code walletKeyHex} and links it on {@code server}.
   */
  static IndependentSender link(Path work, String server, String name, String walletKeyHex) {
    String account;
    try {
      account = WalletKey.parse(walletKeyHex).account().canonical();
    } catch (MalformedException e) {
      throw new IllegalArgumentException(e);
    }
    Path dir = work.resolve(name);
    Command created =
        Command.node(
            work,
            "keygen",
            "--dir",
            dir.toString(),
            "--account",
            account,
            "--home",
            "localhost",
            "--wallet-key",
            walletKeyHex);
    assertThat(created.exitCode()).as("keygen: %s", created).isZero();
    Command linked = Command.node(work, "api-link", "--server", server, "--dir", dir.toString());
    assertThat(linked.exitCode()).as("api-link: %s", linked).isZero();
    return new IndependentSender(work, server, dir, account);
  }

  String mail() {
    return account + "@localhost";
  }

  /** Records this installation's account's decision on a sender (allow or deny). */
  void decide(String sender, String state) {
    Command decided =
        Command.node(
            work,
            "api-consent",
            "--server",
            server,
            "--dir",
            dir.toString(),
            "--kind",
            "sender",
            "--subject",
            sender,
            "--state",
            state);
    assertThat(decided.exitCode()).as("api-consent: %s", decided).isZero();
  }

  /** Seals {@code mime} to every installation of {@code recipient} and publishes it. */
  void send(String recipient, byte[] mime) throws IOException {
    int n = SENT.incrementAndGet();
    Command served = Command.node(work, "api-bundles", "--server", server, "--account", recipient);
    assertThat(served.exitCode()).as("api-bundles: %s", served).isZero();
    List<String> seal = new ArrayList<>(List.of("seal", "--dir", dir.toString()));
    int i = 0;
    for (JsonNode bundle : JSON.readTree(served.stdout()).path("bundles")) {
      Path file = work.resolve("mail-" + n + "-bundle-" + i++ + ".json");
      Files.writeString(file, JSON.writeValueAsString(bundle));
      seal.addAll(List.of("--to", file.toString()));
    }
    assertThat(i).as("bundles of %s", recipient).isPositive();
    Path message = Files.write(work.resolve("mail-" + n + ".eml"), mime);
    Path envelope = work.resolve("mail-" + n + ".bin");
    seal.addAll(List.of("--in", message.toString(), "--out", envelope.toString()));
    Command sealed = Command.node(work, seal.toArray(String[]::new));
    assertThat(sealed.exitCode()).as("seal: %s", sealed).isZero();
    // the clear message is the sender's, not the data directory's: remove it all the same
    Files.delete(message);
    Command published =
        Command.node(
            work,
            "api-publish",
            "--server",
            server,
            "--dir",
            dir.toString(),
            "--in",
            envelope.toString());
    assertThat(published.exitCode()).as("api-publish: %s", published).isZero();
  }
}
