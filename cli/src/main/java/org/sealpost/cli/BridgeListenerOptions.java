package org.sealpost.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import org.sealpost.bridge.tls.TlsException;
import org.sealpost.bridge.tls.TlsIdentity;
import picocli.CommandLine.Option;

/**
 * The options of the bridges' listeners, shared by {@code up} and {@code bridge} (picocli reads the
 * annotated fields of a superclass), so that both commands take the same flags.
 */
abstract class BridgeListenerOptions {
  /** The bridges bind here: loopback, so local clients may also log in without TLS. */
  static final String BRIDGE_HOST = "127.0.0.1";

  @Option(
      names = "--imap-port",
      paramLabel = "N",
      defaultValue = "1143",
      description = "IMAP port (default: ${DEFAULT-VALUE}).")
  int imapPort;

  @Option(
      names = "--imaps-port",
      paramLabel = "N",
      defaultValue = "1993",
      description = "IMAP over implicit TLS port (default: ${DEFAULT-VALUE}).")
  int imapsPort;

  @Option(
      names = "--submission-port",
      paramLabel = "N",
      defaultValue = "1587",
      description = "SMTP submission port (default: ${DEFAULT-VALUE}).")
  int submissionPort;

  @Option(
      names = "--submissions-port",
      paramLabel = "N",
      defaultValue = "1465",
      description = "SMTP submission over implicit TLS port (default: ${DEFAULT-VALUE}).")
  int submissionsPort;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = {
        "The bridges' certificate chain, PEM, server certificate first.",
        "Default: a self-signed certificate generated in DATA/bridge/tls/ and kept."
      })
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "The private key of --tls-cert, unencrypted PKCS#8 PEM.")
  Path tlsKey;

  @Option(
      names = "--max-message-bytes",
      paramLabel = "N",
      description =
          "Largest message the SMTP listeners accept (SIZE; default: what fits the server's"
              + " envelope limit).")
  Long maxMessageBytes;

  /** The ports the bridges listen on. */
  Bridges.Ports ports() {
    return new Bridges.Ports(imapPort, imapsPort, submissionPort, submissionsPort);
  }

  /**
   * The operator's certificate, or the one generated for the mail domain and the bind host, kept in
   * {@code data}; a generated key is sealed under {@code passphrase} when there is one. Call it
   * before anything listens: a bad certificate stops the command with one line.
   */
  TlsIdentity tls(Path data, String domain, Optional<char[]> passphrase) throws UserError {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UserError(
          tlsCert == null
              ? "--tls-key needs --tls-cert (the certificate chain of that key)"
              : "--tls-cert needs --tls-key (the private key of that certificate)");
    }
    TlsIdentity.Settings settings =
        (tlsCert != null
                ? TlsIdentity.Settings.configured(tlsCert, tlsKey)
                : TlsIdentity.Settings.generated(domain, BRIDGE_HOST))
            .withPassphrase(passphrase);
    try {
      return TlsIdentity.loadOrCreate(data, settings);
    } catch (TlsException e) {
      throw new UserError(e.getMessage());
    }
  }

  /** Tells the user which certificate their mail client should show. */
  static void announce(PrintWriter out, TlsIdentity tls) {
    out.printf(
            "Bridge TLS certificate %s%n  SHA-256 %s%n  (compare with what your mail client"
                + " shows before trusting it)%n",
            tls.certificateFile(), tls.fingerprint())
        .flush();
  }
}
