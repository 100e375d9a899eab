package org.sealpost.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sealpost.bridge.BridgeAdmin;
import org.sealpost.bridge.Enrollment;
import org.sealpost.identity.Account;
import org.sealpost.identity.wallet.WalletKey;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sealpost account}: accounts of the bridge of a running {@code sealpost up} or {@code
 * sealpost bridge}.
 */
@Command(
    name = "account",
    description = "Accounts of the bridge of a running 'sealpost up' or 'sealpost bridge'.",
    subcommands = {AccountCommand.Create.class})
final class AccountCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The JSON printed for a created account: what a mail client needs, with the bridges' TLS
   * certificate fingerprint to compare with the one the client shows.
   */
  static ObjectNode describe(
      Enrollment.Credentials credentials,
      String host,
      int imapPort,
      int imapsPort,
      int submissionPort,
      int submissionsPort,
      String tlsFingerprint) {
    ObjectNode node =
        JSON.createObjectNode()
            .put("account", credentials.mail().account().canonical())
            .put("mail", credentials.mail().toString())
            .put("password", new String(credentials.password()));
    node.putObject("imap").put("host", host).put("port", imapPort).put("security", "STARTTLS");
    node.putObject("imaps").put("host", host).put("port", imapsPort).put("security", "SSL/TLS");
    node.putObject("smtp")
        .put("host", host)
        .put("port", submissionPort)
        .put("security", "STARTTLS");
    node.putObject("smtps")
        .put("host", host)
        .put("port", submissionsPort)
        .put("security", "SSL/TLS");
    node.putObject("tls").put("sha256", tlsFingerprint);
    return node;
  }

  @Command(
      name = "create",
      description = {
        "Creates an installation in the bridge running on DIR ('sealpost up' or 'sealpost bridge'),"
            + " links it to a"
            + " wallet and prints the account's mail settings and bridge password (shown once) as"
            + " JSON.",
        "With --wallet-key-file the wallet signs here. Without it: --address prints the text to sign,"
            + " then --address with --signature completes."
      })
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR")
    Path data;

    @ArgGroup(multiplicity = "1")
    Wallet wallet;

    static final class Wallet {
      @Option(
          names = "--wallet-key-file",
          paramLabel = "FILE",
          description = "The wallet's private key: 64 hex digits, 0x optional, one line.")
      Path keyFile;

      @ArgGroup(exclusive = false)
      External external;
    }

    static final class External {
      @Option(names = "--address", required = true, paramLabel = "ADDR")
      String address;

      @Option(
          names = "--signature",
          paramLabel = "0xSIG",
          description = "The wallet's personal_sign signature of the printed text.")
      String signature;
    }

    @Override
    public Integer call() throws Exception {
      Admin admin = Admin.of(data);
      if (wallet.keyFile != null) {
        WalletKey key = WalletKey.parse(SafeFiles.readText(wallet.keyFile).strip());
        String text =
            admin
                .call(
                    "/accounts/prepare",
                    JSON.createObjectNode().put("account", key.account().canonical()))
                .path("text")
                .asText();
        print(
            admin.call(
                "/accounts/complete", complete(key.account(), key.signPersonal(text).toString())));
        return 0;
      }
      Account account = Account.parse(wallet.external.address);
      if (wallet.external.signature == null) {
        var out = spec.commandLine().getOut();
        out.print(
            admin
                .call(
                    "/accounts/prepare",
                    JSON.createObjectNode().put("account", account.canonical()))
                .path("text")
                .asText());
        out.flush();
        return 0;
      }
      print(admin.call("/accounts/complete", complete(account, wallet.external.signature)));
      return 0;
    }

    private static ObjectNode complete(Account account, String signature) {
      return JSON.createObjectNode()
          .put("account", account.canonical())
          .put("signature", signature);
    }

    private void print(JsonNode node) {
      spec.commandLine().getOut().println(node.toString());
    }
  }

  /** The admin channel of a running bridge, found through its data directory. */
  private record Admin(URI url, String token) {
    static Admin of(Path data) throws IOException, UserError {
      Path file = data.resolve("bridge").resolve(BridgeAdmin.FILE);
      if (!Files.exists(file)) {
        throw new UserError(
            "no running 'sealpost up' or 'sealpost bridge' on "
                + data
                + " (start one first: ./sealpost up --data "
                + data
                + ")");
      }
      JsonNode node = JSON.readTree(file.toFile());
      return new Admin(URI.create(node.path("url").asText()), node.path("token").asText());
    }

    JsonNode call(String path, ObjectNode body)
        throws IOException, InterruptedException, UserError {
      HttpResponse<String> response;
      try {
        response =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(url.resolve(path))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
      } catch (java.net.ConnectException e) {
        throw new UserError(
            "the bridge on this data directory is not answering; is it still running?");
      }
      JsonNode reply = JSON.readTree(response.body());
      if (response.statusCode() != 200) {
        throw new UserError(
            reply.path("message").asText("the bridge refused: " + response.statusCode()));
      }
      return reply;
    }
  }
}
