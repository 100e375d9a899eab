package org.sealpost.bridge.tls;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate and private key the bridges (IMAP, SMTP submission) present to mail clients, and
 * the {@link SSLContext} built from them.
 *
 * <p>Either the operator configures a certificate chain and its private key (PEM files), or, on
 * first start, a self-signed certificate is generated under {@code DATA/bridge/tls/} and reused by
 * every later start, so its {@linkplain #fingerprint() fingerprint} stays the same and a user
 * compares it once with what the mail client shows. See docs/adr/0006-bridge-tls.md.
 *
 * <p>Usage by a bridge: {@code TlsIdentity.loadOrCreate(dataDir, settings)} once at start, then
 * {@link #sslContext()} for the server socket or Netty handler, with {@link #protocols()} as the
 * enabled protocols. Instances are immutable and thread-safe; the {@link SSLContext} is shared.
 */
public final class TlsIdentity {
  private static final Logger LOG = LoggerFactory.getLogger(TlsIdentity.class);

  /** TLS 1.2 and 1.3 only (RFC 8996 retires 1.0 and 1.1; RFC 8314 §4.1 asks for current TLS). */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /**
   * What to serve.
   *
   * @param names the DNS names and IP addresses clients use to reach the bridges (the mail domain,
   *     the bind host if it is a name or a specific address); {@code localhost}, {@code 127.0.0.1}
   *     and {@code ::1} are always added to a generated certificate. Wildcard addresses ({@code
   *     0.0.0.0}, {@code ::}) and blanks are ignored.
   * @param certificateChain a PEM file with the certificate first, then its intermediates; with
   *     {@code privateKey}, replaces the generated certificate
   * @param privateKey a PEM file with the certificate's private key (PKCS#8, unencrypted)
   * @param passphrase encrypts the generated private key at rest ({@code PassphraseBox}); without
   *     one the key is a PEM file only the owner can read
   */
  public record Settings(
      List<String> names,
      Optional<Path> certificateChain,
      Optional<Path> privateKey,
      Optional<char[]> passphrase) {
    public Settings {
      names = List.copyOf(requireNonNull(names, "names"));
      requireNonNull(certificateChain, "certificateChain");
      requireNonNull(privateKey, "privateKey");
      requireNonNull(passphrase, "passphrase");
      if (certificateChain.isPresent() != privateKey.isPresent()) {
        throw new IllegalArgumentException(
            "certificateChain and privateKey: "
                + (certificateChain.isPresent()
                    ? "a certificate without a key"
                    : "a key without a certificate")
                + " (expected: both or neither)");
      }
    }

    /** A generated certificate for {@code names}, its key unencrypted (owner-only file). */
    public static Settings generated(String... names) {
      return new Settings(List.of(names), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The operator's certificate chain and private key (PEM files). */
    public static Settings configured(Path certificateChain, Path privateKey) {
      return new Settings(
          List.of(), Optional.of(certificateChain), Optional.of(privateKey), Optional.empty());
    }

    public Settings withPassphrase(Optional<char[]> passphrase) {
      return new Settings(names, certificateChain, privateKey, passphrase);
    }

    public Settings withNames(List<String> names) {
      return new Settings(names, certificateChain, privateKey, passphrase);
    }

    /** The names a generated certificate must cover, lower-cased, in order, without duplicates. */
    Set<String> subjectAltNames() {
      Set<String> all = new LinkedHashSet<>();
      for (String name : names) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (n.startsWith("[") && n.endsWith("]")) {
          n = n.substring(1, n.length() - 1);
        }
        if (!n.isEmpty() && !n.equals("0.0.0.0") && !n.equals("::") && !n.equals("*")) {
          all.add(SelfSignedCertificate.canonical(n));
        }
      }
      for (String always : List.of("localhost", "127.0.0.1", "::1")) {
        all.add(SelfSignedCertificate.canonical(always));
      }
      return all;
    }

    @Override
    public String toString() {
      return "Settings[names="
          + names
          + ", certificateChain="
          + certificateChain
          + ", privateKey="
          + privateKey
          + ", passphrase="
          + (passphrase.isPresent() ? "(set)" : "(none)")
          + "]";
    }
  }

  /** Where the certificate came from. */
  public enum Source {
    /** Generated here and kept under the data directory. */
    GENERATED,
    /** The operator's PEM files. */
    CONFIGURED
  }

  private final List<X509Certificate> chain;
  private final Source source;
  private final Path certificateFile;
  private final SSLContext sslContext;

  private TlsIdentity(
      List<X509Certificate> chain, PrivateKey key, Source source, Path certificateFile)
      throws TlsException {
    this.chain = List.copyOf(chain);
    this.source = source;
    this.certificateFile = certificateFile;
    this.sslContext = sslContext(this.chain, key);
  }

  /**
   * Loads the configured certificate, or the generated one under {@code dataDir/bridge/tls/},
   * generating it on first use (and again when it nears expiry or misses a name in {@code
   * settings}).
   *
   * @throws TlsException with a one-line message naming the file, for a missing, unreadable,
   *     malformed or mismatched certificate or key, or a wrong passphrase
   */
  public static TlsIdentity loadOrCreate(Path dataDir, Settings settings) throws TlsException {
    return loadOrCreate(dataDir, settings, Clock.systemUTC(), new SecureRandom());
  }

  static TlsIdentity loadOrCreate(Path dataDir, Settings settings, Clock clock, SecureRandom random)
      throws TlsException {
    requireNonNull(dataDir, "dataDir");
    requireNonNull(settings, "settings");
    if (settings.certificateChain().isPresent()) {
      Path certificates = settings.certificateChain().get();
      Path key = settings.privateKey().orElseThrow();
      List<X509Certificate> chain = PemFiles.readCertificates(certificates);
      PrivateKey privateKey = PemFiles.readPrivateKey(key);
      warnIfOthersCanRead(key);
      KeyPairCheck.requireMatch(chain.get(0), privateKey, certificates, key);
      return new TlsIdentity(chain, privateKey, Source.CONFIGURED, certificates);
    }
    GeneratedStore store = new GeneratedStore(directory(dataDir), settings.passphrase());
    GeneratedStore.Stored stored = store.loadOrCreate(settings.subjectAltNames(), clock, random);
    return new TlsIdentity(
        List.of(stored.certificate()), stored.key(), Source.GENERATED, store.certificateFile());
  }

  /** Where a generated certificate and key are kept: {@code dataDir/bridge/tls}. */
  public static Path directory(Path dataDir) {
    return dataDir.resolve("bridge").resolve("tls");
  }

  /** A context for servers, with this identity's key; use it with {@link #protocols()}. */
  public SSLContext sslContext() {
    return sslContext;
  }

  /** {@link #PROTOCOLS} as an array, for {@code SSLEngine#setEnabledProtocols} and the like. */
  public String[] protocols() {
    return PROTOCOLS.toArray(String[]::new);
  }

  /** The server certificate (the chain's first). */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** The chain served: the server certificate, then its intermediates. */
  public List<X509Certificate> chain() {
    return chain;
  }

  public Source source() {
    return source;
  }

  /** The PEM file holding the certificate: what a user imports into a client to trust it. */
  public Path certificateFile() {
    return certificateFile;
  }

  /**
   * The SHA-256 fingerprint of the server certificate's DER encoding, as upper-case hex pairs
   * joined by colons, the form mail clients and {@code openssl x509 -fingerprint -sha256} show.
   */
  public String fingerprint() {
    return fingerprint(certificate());
  }

  static String fingerprint(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot encode a parsed certificate", e);
    }
  }

  @Override
  public String toString() {
    return "TlsIdentity[" + source + ", SHA-256 " + fingerprint() + "]";
  }

  /** The operator's key file is theirs to protect; say so when it is readable by others. */
  private static void warnIfOthersCanRead(Path key) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(key);
      if (permissions.contains(PosixFilePermission.GROUP_READ)
          || permissions.contains(PosixFilePermission.OTHERS_READ)) {
        LOG.warn(
            "The TLS private key {} is readable by others ({}); restrict it: chmod 600 {}",
            key,
            PosixFilePermissions.toString(permissions),
            key);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not a POSIX file system, or it went away after being read: nothing to say
    }
  }

  private static SSLContext sslContext(List<X509Certificate> chain, PrivateKey key)
      throws TlsException {
    try {
      // The password only guards this in-memory store, which never leaves the process.
      char[] password = new char[0];
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("bridge", key, password, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsException(
          "cannot build a TLS context from the certificate: " + e.getMessage(), e);
    }
  }
}
