package org.sealpost.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.ProtocolTime;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.BundleVerifier;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.Verification;
import org.sealpost.identity.wallet.WalletSignature;
import org.sealpost.wire.BundleJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sealpost installation}: create an installation and link it to a wallet (§2.1). */
@Command(
    name = "installation",
    description = "Create an installation and link it to a wallet.",
    subcommands = {InstallationCommand.New.class, InstallationCommand.Link.class})
final class InstallationCommand {

  @Command(
      name = "new",
      description = {
        "Creates an installation (its private keys in DIR, readable by you only) and prints the"
            + " exact text the wallet must sign, and nothing else.",
        "Sign it with personal_sign (EIP-191), then run: sealpost installation link."
      })
  static final class New implements Callable<Integer> {
    /** Ten years: a link should be renewed well within a wallet's lifetime. */
    static final int MAX_VALID_DAYS = 3650;

    @Spec CommandSpec spec;

    @Option(
        names = "--account",
        required = true,
        paramLabel = "ADDR",
        description = "Wallet address.")
    String account;

    @Option(
        names = "--home",
        required = true,
        paramLabel = "DOMAIN",
        description = "Home server domain.")
    String home;

    @Option(
        names = "--dir",
        required = true,
        paramLabel = "DIR",
        description = "Where to keep the installation.")
    Path dir;

    @Option(
        names = "--valid-days",
        defaultValue = "365",
        paramLabel = "DAYS",
        description = "How long the link is valid (default: ${DEFAULT-VALUE}).")
    int validDays;

    @Override
    public Integer call() throws Exception {
      if (validDays < 1 || validDays > MAX_VALID_DAYS) {
        throw new UserError(
            "--valid-days: " + validDays + " (expected: 1 to " + MAX_VALID_DAYS + ")");
      }
      Instant issuedAt = ProtocolTime.truncate(Clock.systemUTC().instant());
      InstallationDirectory installation =
          InstallationDirectory.create(
              dir,
              Account.parse(account),
              Domain.parse(home),
              InstallationKeys.generate(new SecureRandom()),
              issuedAt,
              issuedAt.plus(Duration.ofDays(validDays)));
      PrintWriter out = spec.commandLine().getOut();
      out.print(installation.statement().text()); // exactly the text: no trailing newline
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "link",
      description = "Checks the wallet's signature, writes DIR/bundle.json and prints it.")
  static final class Link implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR")
    Path dir;

    @Option(
        names = "--signature",
        required = true,
        paramLabel = "0xSIG",
        description = "The wallet's personal_sign signature of the text: 0x + 130 hex digits.")
    String signature;

    @Override
    public Integer call() throws Exception {
      InstallationDirectory installation = InstallationDirectory.open(dir);
      Bundle bundle = new Bundle(installation.statement(), WalletSignature.parse(signature));
      Verification verification = new BundleVerifier(Clock.systemUTC()).verify(bundle);
      if (verification instanceof Verification.Invalid invalid) {
        throw new UserError(
            switch (invalid.reason()) {
              case WRONG_ACCOUNT, BAD_SIGNATURE ->
                  invalid.detail()
                      + "; sign the text printed by 'installation new' with the wallet of "
                      + installation.account();
              default -> invalid.toString();
            });
      }
      installation.writeBundle(bundle);
      spec.commandLine().getOut().println(BundleJson.toPrettyJson(bundle));
      return 0;
    }
  }
}
