package org.sealpost.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.envelope.EnvelopeOpenException;
import org.sealpost.server.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sealpost}: the root of every command. */
@Command(
    name = "sealpost",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT,
    versionProvider = SealpostCommand.Version.class,
    description = "End-to-end encrypted inboxes for Ethereum wallet addresses.",
    subcommands = {
      InstallationCommand.class,
      BundleCommand.class,
      EnvelopeCommand.class,
      ServerCommand.class,
      UpCommand.class,
      BridgeCommand.class,
      AccountCommand.class
    })
final class SealpostCommand {
  /** Exit status of a command that ran and found the input wanting (invalid bundle, bad file). */
  static final int FAILED = 1;

  static int execute(String... args) {
    CommandLine commandLine = new CommandLine(new SealpostCommand());
    commandLine.setExecutionExceptionHandler(
        (exception, cmd, parseResult) -> {
          String message = userMessage(exception);
          if (message == null) {
            throw exception;
          }
          cmd.getErr().println("sealpost: " + message);
          cmd.getErr().flush();
          return FAILED;
        });
    return commandLine.execute(args);
  }

  /** One line for an error the user caused, or null for a bug (which keeps its stack trace). */
  private static String userMessage(Exception exception) {
    Throwable e =
        exception instanceof UncheckedIOException unchecked ? unchecked.getCause() : exception;
    if (e instanceof UserError
        || e instanceof ConfigException
        || e instanceof MalformedException
        || e instanceof EnvelopeOpenException) {
      return e.getMessage();
    }
    if (e instanceof NoSuchFileException missing) {
      return "no such file: " + missing.getFile();
    }
    if (e instanceof AccessDeniedException denied) {
      return "permission denied: " + denied.getFile();
    }
    if (e instanceof FileAlreadyExistsException exists) {
      return "already exists: " + exists.getFile();
    }
    if (e instanceof NotDirectoryException notDirectory) {
      return "not a directory: " + notDirectory.getFile();
    }
    if (e instanceof IOException io) {
      return "I/O error: " + io.getMessage();
    }
    return null;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = SealpostCommand.class.getPackage().getImplementationVersion();
      return new String[] {"sealpost " + (version == null ? "(development build)" : version)};
    }
  }
}
