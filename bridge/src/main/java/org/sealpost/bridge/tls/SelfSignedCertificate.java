package org.sealpost.bridge.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * The bridges' self-signed server certificate: ECDSA P-256 (every current mail client and TLS 1.2+
 * stack accepts it), the names as subjectAltName (clients match only SANs, RFC 6125 §6.4.4), the
 * serverAuth extended key usage, and a validity of {@link #VALIDITY} (Apple's clients refuse TLS
 * server certificates valid for more than 825 days, trusted by hand or not).
 */
final class SelfSignedCertificate {
  static final Duration VALIDITY = Duration.ofDays(825);

  /** Clocks of clients a little behind must not see a certificate from the future. */
  static final Duration BACKDATE = Duration.ofDays(1);

  /** Regenerate when less than this is left, so a running client is never handed an expired one. */
  static final Duration RENEW_BEFORE = Duration.ofDays(30);

  record Generated(X509Certificate certificate, KeyPair keys) {}

  private SelfSignedCertificate() {}

  static Generated generate(Set<String> names, Clock clock, SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      KeyPair keys = generator.generateKeyPair();
      Instant now = clock.instant();
      String first = names.iterator().next();
      X500Name subject =
          new X500NameBuilder(BCStyle.INSTANCE)
              .addRDN(BCStyle.O, "Sealpost bridge")
              .addRDN(BCStyle.CN, first)
              .build();
      byte[] serial = new byte[16];
      random.nextBytes(serial);
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              new BigInteger(1, serial),
              Date.from(now.minus(BACKDATE)),
              Date.from(now.plus(VALIDITY)),
              subject,
              keys.getPublic());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(
              Extension.extendedKeyUsage,
              false,
              new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(Extension.subjectAlternativeName, false, subjectAltNames(names))
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              extensions.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withECDSA")
                          .setSecureRandom(random)
                          .build(keys.getPrivate())));
      return new Generated(certificate, keys);
    } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
      throw new IllegalStateException("cannot generate the bridge certificate", e);
    }
  }

  /** Whether a stored certificate can still serve {@code names} at {@code clock}'s time. */
  static boolean stillServes(X509Certificate certificate, Set<String> names, Clock clock) {
    Instant renewAt = certificate.getNotAfter().toInstant().minus(RENEW_BEFORE);
    return clock.instant().isBefore(renewAt) && sans(certificate).containsAll(names);
  }

  /** The DNS names and IP addresses of a certificate's subjectAltName, lower-cased. */
  static Set<String> sans(X509Certificate certificate) {
    Set<String> names = new HashSet<>();
    try {
      Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
      if (entries != null) {
        for (List<?> entry : entries) {
          int type = (Integer) entry.get(0);
          if (type == GeneralName.dNSName || type == GeneralName.iPAddress) {
            names.add(canonical(entry.get(1).toString()));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return Set.of();
    }
    return names;
  }

  private static GeneralNames subjectAltNames(Set<String> names) {
    return new GeneralNames(
        names.stream()
            .map(
                name ->
                    IPAddress.isValid(name)
                        ? new GeneralName(GeneralName.iPAddress, name)
                        : new GeneralName(GeneralName.dNSName, name))
            .toArray(GeneralName[]::new));
  }

  /**
   * A name as the JDK reports it in a parsed certificate: lower case, IPv6 addresses in the JDK's
   * uncompressed form ({@code ::1} is {@code 0:0:0:0:0:0:0:1}), so requested and stored names
   * compare equal.
   */
  static String canonical(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (IPAddress.isValidIPv6(lower)) {
      try {
        return java.net.InetAddress.getByName(lower).getHostAddress(); // a literal: no lookup
      } catch (java.net.UnknownHostException e) {
        return lower;
      }
    }
    return lower;
  }
}
