package org.sealpost.server.http;

import org.sealpost.identity.Domain;
import org.sealpost.server.config.ServerConfig;

/**
 * Thunderbird's autoconfig document (the {@code clientConfig} format, version 1.1), describing this
 * deployment's IMAP and SMTP bridges so a mail client sets itself up from the address alone.
 */
final class Autoconfig {
  private Autoconfig() {}

  static String document(Domain domain, ServerConfig.MailClients mail, String publicUrl) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <clientConfig version="1.1">
          <emailProvider id="%1$s">
            <domain>%1$s</domain>
            <displayName>Sealpost (%1$s)</displayName>
            <displayShortName>Sealpost</displayShortName>
            <incomingServer type="imap">
              <hostname>%2$s</hostname>
              <port>%3$d</port>
              <socketType>%4$s</socketType>
              <username>%%EMAILADDRESS%%</username>
              <authentication>password-cleartext</authentication>
            </incomingServer>
            <outgoingServer type="smtp">
              <hostname>%5$s</hostname>
              <port>%6$d</port>
              <socketType>%7$s</socketType>
              <username>%%EMAILADDRESS%%</username>
              <authentication>password-cleartext</authentication>
            </outgoingServer>
            <documentation url="%8$s/.well-known/sealpost">
              <descr lang="en">Sealpost: end-to-end encrypted mail for wallet addresses</descr>
            </documentation>
          </emailProvider>
        </clientConfig>
        """
        .formatted(
            xml(domain.name()),
            xml(mail.imap().host()),
            mail.imap().port(),
            mail.imap().socketType(),
            xml(mail.smtp().host()),
            mail.smtp().port(),
            mail.smtp().socketType(),
            xml(
                publicUrl.endsWith("/")
                    ? publicUrl.substring(0, publicUrl.length() - 1)
                    : publicUrl));
  }

  private static String xml(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
