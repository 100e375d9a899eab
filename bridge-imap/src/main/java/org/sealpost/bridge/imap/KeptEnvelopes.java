package org.sealpost.bridge.imap;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.apache.james.core.Username;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MailAddress;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.identity.envelope.SenderCheck;
import org.sealpost.identity.installation.InstallationId;

/** {@link KeptEnvelopeRow}s to and from what {@link MessageStore} works with. */
final class KeptEnvelopes {
  private static final int ADDRESS_COLUMN = 320;
  private static final int DETAIL_COLUMN = 1000;

  private KeptEnvelopes() {}

  static KeptEnvelopeRow.Key key(Username owner, String envelopeId) {
    return key(owner.asString(), envelopeId);
  }

  static KeptEnvelopeRow.Key key(String owner, String envelopeId) {
    KeptEnvelopeRow.Key key = new KeptEnvelopeRow.Key();
    key.owner = owner;
    key.envelopeId = envelopeId;
    return key;
  }

  static KeptEnvelopeRow row(
      Username owner,
      String envelopeId,
      Envelope envelope,
      boolean rendered,
      Optional<SenderCheck> sender,
      Instant now) {
    KeptEnvelopeRow row = new KeptEnvelopeRow();
    row.owner = owner.asString();
    row.envelopeId = envelopeId;
    row.body = envelope.toByteArray();
    row.rendered = rendered;
    row.storedAt = now.truncatedTo(ChronoUnit.MICROS);
    sender.ifPresent(check -> describe(row, check));
    return row;
  }

  private static void describe(KeptEnvelopeRow row, SenderCheck check) {
    if (check instanceof SenderCheck.Verified verified) {
      row.senderKind = "VERIFIED";
      row.senderAddress = verified.sender().toString();
      row.senderInstallation = verified.installation().hex();
    } else if (check instanceof SenderCheck.Gateway gateway) {
      row.senderKind = "GATEWAY";
      row.senderDomain = gateway.domain().name();
    } else {
      SenderCheck.Unverified unverified = (SenderCheck.Unverified) check;
      row.senderKind = "UNVERIFIED";
      row.senderFailure = unverified.failure().name();
      // Claims and details are the envelope's words, shown as warnings only: cut to the column.
      row.senderAddress = cut(unverified.claimed(), ADDRESS_COLUMN);
      row.senderDetail = cut(unverified.detail(), DETAIL_COLUMN);
    }
  }

  /** The sender check stored with {@code row}; empty for appended mail. */
  static Optional<SenderCheck> sender(KeptEnvelopeRow row) {
    if (row.senderKind == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          switch (row.senderKind) {
            case "VERIFIED" ->
                new SenderCheck.Verified(
                    MailAddress.parse(row.senderAddress),
                    InstallationId.parse("sender_installation", row.senderInstallation));
            case "GATEWAY" -> new SenderCheck.Gateway(Domain.parse(row.senderDomain));
            case "UNVERIFIED" ->
                new SenderCheck.Unverified(
                    SenderCheck.Failure.valueOf(row.senderFailure),
                    row.senderDetail,
                    row.senderAddress);
            default -> throw new IllegalStateException(row.senderKind);
          });
    } catch (MalformedException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "imap_envelopes row " + row.owner + "/" + row.envelopeId + ": " + e.getMessage(), e);
    }
  }

  private static String cut(String text, int length) {
    return text.length() <= length ? text : text.substring(0, length);
  }
}
