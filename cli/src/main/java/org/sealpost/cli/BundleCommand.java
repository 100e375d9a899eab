package org.sealpost.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.BundleVerifier;
import org.sealpost.identity.installation.Verification;
import org.sealpost.wire.BundleJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sealpost bundle}: check key bundles without trusting whoever served them (§2.2). */
@Command(
    name = "bundle",
    description = "Check key bundles.",
    subcommands = {BundleCommand.Verify.class})
final class BundleCommand {

  @Command(
      name = "verify",
      description = {
        "Checks a bundle against its wallet signature, id and validity times.",
        "Exit 0 and prints the account when valid; otherwise exit 1 and one line on stderr:"
            + " <reason>: <detail>, reason one of bad-signature, wrong-account, expired,"
            + " not-yet-valid, id-mismatch, malformed."
      })
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A bundle JSON file (PROTOCOL.md §2.2).")
    Path file;

    @Override
    public Integer call() throws Exception {
      Verification verification;
      Bundle bundle = null;
      try {
        bundle = BundleJson.parse(SafeFiles.readText(file));
        verification = new BundleVerifier(Clock.systemUTC()).verify(bundle);
      } catch (MalformedException e) {
        verification = Verification.invalid(Verification.Reason.MALFORMED, e.getMessage());
      }
      if (verification instanceof Verification.Invalid invalid) {
        spec.commandLine().getErr().println(invalid);
        return SealpostCommand.FAILED;
      }
      spec.commandLine().getOut().println(bundle.account());
      return 0;
    }
  }
}
