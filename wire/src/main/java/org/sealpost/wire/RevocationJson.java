package org.sealpost.wire;

import static java.util.Objects.requireNonNull;
import static org.sealpost.wire.ProtocolJson.text;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sealpost.identity.Account;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.ProtocolTime;
import org.sealpost.identity.installation.InstallationId;
import org.sealpost.identity.installation.Revocation;
import org.sealpost.identity.installation.RevocationStatement;
import org.sealpost.identity.wallet.WalletSignature;

/** The JSON form of a revocation (PROTOCOL.md §2.3). Parsing checks shape, not validity. */
public final class RevocationJson {
  private static final String WHAT = "revocation";

  private RevocationJson() {}

  public static Revocation parse(String json) throws MalformedException {
    return fromNode(ProtocolJson.readObject(WHAT, json));
  }

  public static Revocation fromNode(ObjectNode node) throws MalformedException {
    requireNonNull(node, "node");
    try {
      RevocationStatement statement =
          new RevocationStatement(
              Account.parse(text(WHAT, node, "account")),
              InstallationId.parse("installation", text(WHAT, node, "installation")),
              ProtocolTime.parse("revokedAt", text(WHAT, node, "revokedAt")));
      return new Revocation(statement, WalletSignature.parse(text(WHAT, node, "walletSignature")));
    } catch (MalformedException e) {
      throw e.getMessage().startsWith(WHAT + ":") ? e : ProtocolJson.in(WHAT, e);
    }
  }

  public static ObjectNode toNode(Revocation revocation) {
    requireNonNull(revocation, "revocation");
    RevocationStatement s = revocation.statement();
    return ProtocolJson.MAPPER
        .createObjectNode()
        .put("account", s.account().canonical())
        .put("installation", s.installation().hex())
        .put("revokedAt", ProtocolTime.format(s.revokedAt()))
        .put("walletSignature", revocation.walletSignature().toString());
  }

  public static String toPrettyJson(Revocation revocation) {
    return ProtocolJson.pretty(toNode(revocation));
  }

  public static String toJson(Revocation revocation) {
    return ProtocolJson.compact(toNode(revocation));
  }
}
