package org.sealpost.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.envelope.Author;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.identity.envelope.EnvelopeOpener;
import org.sealpost.identity.envelope.EnvelopeSealer;
import org.sealpost.identity.envelope.OpenedEnvelope;
import org.sealpost.identity.envelope.SenderCheck;
import org.sealpost.identity.envelope.SenderDirectory;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.BundleVerifier;
import org.sealpost.identity.installation.InstallationId;
import org.sealpost.identity.installation.SigningPublicKey;
import org.sealpost.identity.installation.Verification;
import org.sealpost.wire.BundleJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sealpost envelope}: seal and open messages offline (PROTOCOL.md §3). */
@Command(
    name = "envelope",
    description = "Seal and open messages offline.",
    subcommands = {EnvelopeCommand.Seal.class, EnvelopeCommand.Open.class})
final class EnvelopeCommand {

  @Command(
      name = "seal",
      description =
          "Seals MESSAGE.eml from the installation in DIR to the given bundles, which must all"
              + " be valid and of one recipient account.")
  static final class Seal implements Callable<Integer> {
    @Option(names = "--dir", required = true, paramLabel = "DIR")
    Path dir;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "BUNDLE.json",
        description = "Repeat for each recipient installation.")
    List<Path> to;

    @Option(names = "--in", required = true, paramLabel = "MESSAGE.eml")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "ENVELOPE.bin")
    Path out;

    @Override
    public Integer call() throws Exception {
      InstallationDirectory sender = InstallationDirectory.open(dir);
      if (!Files.exists(sender.bundleFile())) {
        throw new UserError(
            "the installation in "
                + dir
                + " is not linked yet, so no one could verify its mail: run 'sealpost installation"
                + " link' first");
      }
      Clock clock = Clock.systemUTC();
      Bundle own = BundleJson.parse(SafeFiles.readText(sender.bundleFile()));
      if (new BundleVerifier(clock).verify(own) instanceof Verification.Invalid invalid) {
        throw new UserError(
            "the installation in "
                + dir
                + " has no valid link ("
                + invalid
                + "), so recipients would reject its mail: link it again");
      }
      List<Bundle> recipients = readRecipients(new BundleVerifier(clock));
      byte[] mime = Files.readAllBytes(in);
      Envelope envelope =
          new EnvelopeSealer(clock, new SecureRandom())
              .seal(new Author.Installation(sender.account(), sender.keys()), recipients, mime);
      SafeFiles.replace(out, envelope.toByteArray());
      return 0;
    }

    private List<Bundle> readRecipients(BundleVerifier verifier)
        throws IOException, MalformedException, UserError {
      Map<InstallationId, Bundle> recipients = new LinkedHashMap<>();
      Account recipient = null;
      for (Path file : to) {
        Bundle bundle;
        try {
          bundle = BundleJson.parse(SafeFiles.readText(file));
        } catch (MalformedException e) {
          throw new MalformedException(file + ": " + e.getMessage(), e);
        }
        if (verifier.verify(bundle) instanceof Verification.Invalid invalid) {
          throw new UserError(file + ": invalid bundle: " + invalid);
        }
        if (recipient != null && !recipient.equals(bundle.account())) {
          throw new UserError(
              file
                  + " is for "
                  + bundle.account()
                  + ", the other bundles for "
                  + recipient
                  + "; seal one envelope per recipient account");
        }
        recipient = bundle.account();
        recipients.putIfAbsent(bundle.installation(), bundle);
      }
      return new ArrayList<>(recipients.values());
    }
  }

  @Command(
      name = "open",
      description = {
        "Opens ENVELOPE.bin with the installation in DIR and writes the MIME message to stdout,"
            + " byte for byte, only if the sender's signature verifies against a valid sender"
            + " bundle.",
        "Otherwise exit 1 and one line on stderr: <reason>: <detail>."
      })
  static final class Open implements Callable<Integer> {
    @Option(names = "--dir", required = true, paramLabel = "DIR")
    Path dir;

    @Option(
        names = "--sender-bundle",
        paramLabel = "BUNDLE.json",
        description = "The sender installation's bundle.")
    Path senderBundle;

    @Option(
        names = "--gateway-key",
        paramLabel = "HEX",
        description = "For mail from the legacy internet (§5): the gateway server's Ed25519 key.")
    String gatewayKey;

    @Option(names = "--in", required = true, paramLabel = "ENVELOPE.bin")
    Path in;

    @Override
    public Integer call() throws Exception {
      if ((senderBundle == null) == (gatewayKey == null)) {
        throw new UserError("give exactly one of --sender-bundle and --gateway-key");
      }
      InstallationDirectory recipient = InstallationDirectory.open(dir);
      Envelope envelope;
      try {
        envelope = Envelope.parse(Files.readAllBytes(in));
      } catch (MalformedException e) {
        throw new UserError("malformed: " + e.getMessage());
      }
      SenderDirectory senders = senderDirectory();
      OpenedEnvelope opened =
          new EnvelopeOpener(
                  recipient.account(), recipient.keys(), new BundleVerifier(Clock.systemUTC()))
              .open(envelope, senders);
      if (opened.sender() instanceof SenderCheck.Unverified unverified) {
        throw new UserError(unverified.toString());
      }
      PrintStream stdout = System.out;
      stdout.write(opened.mime());
      stdout.flush();
      return 0;
    }

    private SenderDirectory senderDirectory() throws IOException, MalformedException {
      if (gatewayKey != null) {
        SigningPublicKey key = SigningPublicKey.parse("--gateway-key", gatewayKey);
        return new SenderDirectory() {
          @Override
          public Optional<Bundle> bundle(Account sender, InstallationId installation) {
            return Optional.empty();
          }

          @Override
          public Optional<SigningPublicKey> gatewayKey(Domain domain) {
            return Optional.of(key);
          }
        };
      }
      Bundle bundle;
      try {
        bundle = BundleJson.parse(SafeFiles.readText(senderBundle));
      } catch (MalformedException e) {
        throw new MalformedException(senderBundle + ": " + e.getMessage(), e);
      }
      return (sender, installation) -> Optional.of(bundle);
    }
  }
}
