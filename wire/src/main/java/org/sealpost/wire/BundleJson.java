package org.sealpost.wire;

import static java.util.Objects.requireNonNull;
import static org.sealpost.wire.ProtocolJson.text;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.ProtocolTime;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.EncryptionPublicKey;
import org.sealpost.identity.installation.InstallationId;
import org.sealpost.identity.installation.LinkStatement;
import org.sealpost.identity.installation.SigningPublicKey;
import org.sealpost.identity.wallet.WalletSignature;

/** The JSON form of a key bundle (PROTOCOL.md §2.2). Parsing checks shape, not validity. */
public final class BundleJson {
  private static final String WHAT = "bundle";

  private BundleJson() {}

  public static Bundle parse(String json) throws MalformedException {
    return fromNode(ProtocolJson.readObject(WHAT, json));
  }

  public static Bundle fromNode(ObjectNode node) throws MalformedException {
    requireNonNull(node, "node");
    try {
      LinkStatement statement =
          new LinkStatement(
              Account.parse(text(WHAT, node, "account")),
              Domain.parse(text(WHAT, node, "home")),
              InstallationId.parse("installation", text(WHAT, node, "installation")),
              SigningPublicKey.parse("signingKey", text(WHAT, node, "signingKey")),
              EncryptionPublicKey.parse("encryptionKey", text(WHAT, node, "encryptionKey")),
              ProtocolTime.parse("issuedAt", text(WHAT, node, "issuedAt")),
              ProtocolTime.parse("expiresAt", text(WHAT, node, "expiresAt")));
      return new Bundle(statement, WalletSignature.parse(text(WHAT, node, "walletSignature")));
    } catch (MalformedException e) {
      throw e.getMessage().startsWith(WHAT + ":") ? e : ProtocolJson.in(WHAT, e);
    }
  }

  /** The eight fields of §2.2, in its order. */
  public static ObjectNode toNode(Bundle bundle) {
    requireNonNull(bundle, "bundle");
    LinkStatement s = bundle.statement();
    return ProtocolJson.MAPPER
        .createObjectNode()
        .put("account", s.account().canonical())
        .put("home", s.home().name())
        .put("installation", s.installation().hex())
        .put("signingKey", s.signingKey().hex())
        .put("encryptionKey", s.encryptionKey().hex())
        .put("issuedAt", ProtocolTime.format(s.issuedAt()))
        .put("expiresAt", ProtocolTime.format(s.expiresAt()))
        .put("walletSignature", bundle.walletSignature().toString());
  }

  /** Indented, for files and people. */
  public static String toPrettyJson(Bundle bundle) {
    return ProtocolJson.pretty(toNode(bundle));
  }

  /** One line, for the wire. */
  public static String toJson(Bundle bundle) {
    return ProtocolJson.compact(toNode(bundle));
  }
}
