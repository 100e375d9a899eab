package org.sealpost.bridge.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/** Reads and writes the PEM files of certificates and private keys, with errors naming the file. */
final class PemFiles {
  private PemFiles() {}

  /** The certificates of a PEM file, in file order (server certificate first). */
  static List<X509Certificate> readCertificates(Path file) throws TlsException {
    List<X509Certificate> chain = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    for (Object object : objects(file, "TLS certificate")) {
      if (object instanceof X509CertificateHolder holder) {
        try {
          chain.add(converter.getCertificate(holder));
        } catch (CertificateException e) {
          throw new TlsException(file + ": malformed certificate: " + e.getMessage(), e);
        }
      }
    }
    if (chain.isEmpty()) {
      throw new TlsException(
          file + ": no certificate found (expected PEM: -----BEGIN CERTIFICATE-----)");
    }
    return chain;
  }

  /** The first private key of a PEM file: PKCS#8, or the traditional RSA/EC forms. */
  static PrivateKey readPrivateKey(Path file) throws TlsException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    for (Object object : objects(file, "TLS private key")) {
      try {
        if (object instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (object instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo()); // may lack the public half
        }
      } catch (IOException e) {
        throw new TlsException(file + ": unusable private key: " + e.getMessage(), e);
      }
      if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
        throw new TlsException(
            file
                + ": the private key is encrypted (expected an unencrypted PKCS#8 key; convert it"
                + " with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem, and keep it mode 0600)");
      }
    }
    throw new TlsException(
        file + ": no private key found (expected PEM: -----BEGIN PRIVATE KEY-----)");
  }

  /** A private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
  static byte[] privateKeyPem(PrivateKey key) {
    try {
      return pem(new JcaPKCS8Generator(key, null)); // PKCS#8, not the traditional EC form
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IllegalStateException("cannot encode the private key", e);
    }
  }

  static byte[] certificatePem(X509Certificate certificate) {
    return pem(certificate);
  }

  private static byte[] pem(Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode PEM in memory", e);
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static List<Object> objects(Path file, String what) throws TlsException {
    if (Files.isDirectory(file)) {
      throw new TlsException(what + " file " + file + " is a directory (expected a PEM file)");
    }
    List<Object> objects = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        objects.add(object);
      }
    } catch (NoSuchFileException e) {
      throw new TlsException(what + " file " + file + " does not exist");
    } catch (AccessDeniedException e) {
      throw new TlsException(
          "cannot read " + what + " file " + file + ": permission denied (run as its owner)");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new TlsException(
          file + ": not a PEM file (binary content; expected PEM text, convert DER with openssl)");
    } catch (IOException | IllegalArgumentException e) {
      throw new TlsException(file + ": malformed PEM: " + oneLine(e.getMessage()), e);
    }
    return objects;
  }

  private static String oneLine(String message) {
    return message == null ? "unreadable content" : message.replaceAll("\\s+", " ").strip();
  }
}
