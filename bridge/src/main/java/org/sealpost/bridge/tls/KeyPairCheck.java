package org.sealpost.bridge.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * Whether a private key belongs to a certificate: the key signs a probe and the certificate's
 * public key verifies it. Works for every key type the JDK signs with, without comparing key
 * internals.
 */
final class KeyPairCheck {
  private static final byte[] PROBE = "sealpost key pair check".getBytes(StandardCharsets.US_ASCII);

  private KeyPairCheck() {}

  static void requireMatch(
      X509Certificate certificate, PrivateKey key, Path certificateFile, Path keyFile)
      throws TlsException {
    String algorithm = signatureAlgorithm(key, keyFile);
    boolean matches;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(PROBE);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false; // e.g. an EC key against an RSA certificate
    }
    if (!matches) {
      throw new TlsException(
          "the private key in "
              + keyFile
              + " does not belong to the certificate in "
              + certificateFile
              + " (expected the key of the first certificate in the chain)");
    }
  }

  private static String signatureAlgorithm(PrivateKey key, Path keyFile) throws TlsException {
    return switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      case "Ed448" -> "Ed448";
      default ->
          throw new TlsException(
              keyFile
                  + ": unsupported key type "
                  + key.getAlgorithm()
                  + " (expected: RSA, EC, Ed25519)");
    };
  }
}
