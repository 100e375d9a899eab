package org.sealpost.bridge.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.secret.PassphraseBox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generated certificate and key under {@code DATA/bridge/tls/} (mode 0700):
 *
 * <ul>
 *   <li>{@code cert.pem}: the self-signed certificate, public;
 *   <li>{@code key.pem} (0600): its private key, unencrypted PKCS#8, when no passphrase is
 *       configured: then only the file mode protects it, as for the server key;
 *   <li>{@code key.spbx} (0600) instead, with a passphrase: the PKCS#8 DER sealed by {@link
 *       PassphraseBox} (Argon2id + AES-256-GCM). Configuring a passphrase later seals an existing
 *       {@code key.pem} and removes it.
 * </ul>
 *
 * Each file is written to a temporary file and renamed into place, so a crash leaves the old file
 * or the new one, never half of one; a key and certificate that do not match (a crash between the
 * two renames) are generated again.
 */
final class GeneratedStore {
  private static final Logger LOG = LoggerFactory.getLogger(GeneratedStore.class);
  static final String CERTIFICATE = "cert.pem";
  static final String PLAIN_KEY = "key.pem";
  static final String SEALED_KEY = "key.spbx";
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");

  record Stored(X509Certificate certificate, PrivateKey key) {}

  private final Path directory;
  private final Optional<char[]> passphrase;

  GeneratedStore(Path directory, Optional<char[]> passphrase) {
    this.directory = directory;
    this.passphrase = passphrase;
  }

  Path certificateFile() {
    return directory.resolve(CERTIFICATE);
  }

  Stored loadOrCreate(Set<String> names, Clock clock, SecureRandom random) throws TlsException {
    try {
      ensureDirectory();
      Optional<Stored> existing = load(random);
      if (existing.isPresent()) {
        X509Certificate certificate = existing.get().certificate();
        if (SelfSignedCertificate.stillServes(certificate, names, clock)) {
          return existing.get();
        }
        LOG.warn(
            "The bridge certificate {} (SHA-256 {}) expires on {} or does not name all of {}:"
                + " generating a new one; mail clients will ask to trust it again",
            certificateFile(),
            TlsIdentity.fingerprint(certificate),
            certificate.getNotAfter().toInstant(),
            names);
      }
      SelfSignedCertificate.Generated generated =
          SelfSignedCertificate.generate(names, clock, random);
      writeKey(generated.keys().getPrivate(), random);
      write(certificateFile(), PemFiles.certificatePem(generated.certificate()));
      LOG.info(
          "Generated the bridge TLS certificate {} for {} (SHA-256 {})",
          certificateFile(),
          names,
          TlsIdentity.fingerprint(generated.certificate()));
      return new Stored(generated.certificate(), generated.keys().getPrivate());
    } catch (IOException e) {
      throw new TlsException(
          "cannot keep the bridge TLS certificate in " + directory + ": " + e, e);
    }
  }

  private void ensureDirectory() throws IOException {
    if (!Files.isDirectory(directory)) {
      Files.createDirectories(directory.getParent());
      Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
    }
    Files.setPosixFilePermissions(directory, OWNER_ONLY_DIR); // whatever the umask made of it
  }

  /** The stored pair, or empty if there is none or it is incomplete or mismatched. */
  private Optional<Stored> load(SecureRandom random) throws TlsException, IOException {
    Path plain = directory.resolve(PLAIN_KEY);
    Path sealed = directory.resolve(SEALED_KEY);
    if (!Files.exists(certificateFile()) || !(Files.exists(plain) || Files.exists(sealed))) {
      return Optional.empty();
    }
    PrivateKey key;
    Path keyFile = Files.exists(sealed) ? sealed : plain;
    if (Files.exists(sealed)) {
      key = openSealed(sealed);
    } else {
      Files.setPosixFilePermissions(plain, OWNER_ONLY_FILE);
      key = PemFiles.readPrivateKey(plain);
      if (passphrase.isPresent()) {
        writeKey(key, random); // seals it, then removes the plain file
        LOG.info("Sealed the bridge TLS key {} under the configured passphrase", sealed);
      }
    }
    X509Certificate certificate = PemFiles.readCertificates(certificateFile()).get(0);
    try {
      KeyPairCheck.requireMatch(certificate, key, certificateFile(), keyFile);
    } catch (TlsException mismatch) {
      LOG.warn("{}: generating a new pair", mismatch.getMessage());
      return Optional.empty();
    }
    return Optional.of(new Stored(certificate, key));
  }

  private PrivateKey openSealed(Path sealed) throws TlsException, IOException {
    if (passphrase.isEmpty()) {
      throw new TlsException(
          sealed
              + " is encrypted: configure the passphrase it was sealed with"
              + " (server-key.passphrase, SEALPOST_SERVER_KEY_PASSPHRASE)");
    }
    byte[] der;
    try {
      der = PassphraseBox.open(Files.readAllBytes(sealed), passphrase.get());
    } catch (PassphraseBox.WrongPassphraseException e) {
      throw new TlsException(sealed + ": wrong passphrase (or the file was altered)", e);
    } catch (MalformedException e) {
      throw new TlsException(sealed + ": " + e.getMessage(), e);
    }
    try {
      return new JcaPEMKeyConverter().getPrivateKey(PrivateKeyInfo.getInstance(der));
    } catch (IOException | IllegalArgumentException e) {
      throw new TlsException(sealed + ": not a private key inside the box", e);
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  private void writeKey(PrivateKey key, SecureRandom random) throws IOException {
    if (passphrase.isPresent()) {
      byte[] der = key.getEncoded();
      try {
        write(
            directory.resolve(SEALED_KEY),
            PassphraseBox.RECOMMENDED.seal(der, passphrase.get(), random));
      } finally {
        Arrays.fill(der, (byte) 0);
      }
      Files.deleteIfExists(directory.resolve(PLAIN_KEY));
    } else {
      write(directory.resolve(PLAIN_KEY), PemFiles.privateKeyPem(key));
      Files.deleteIfExists(directory.resolve(SEALED_KEY));
    }
  }

  /** Complete or absent: a 0600 temporary file in the same directory, renamed over the target. */
  private void write(Path target, byte[] content) throws IOException {
    Path temporary =
        Files.createTempFile(
            directory,
            "." + target.getFileName(),
            ".tmp",
            PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
    try {
      Files.write(temporary, content);
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
