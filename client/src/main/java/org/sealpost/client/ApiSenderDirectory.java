package org.sealpost.client;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.envelope.SenderDirectory;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.InstallationId;
import org.sealpost.identity.installation.Revocation;
import org.sealpost.identity.installation.SigningPublicKey;

/**
 * The keys an {@code EnvelopeOpener} checks a sender against, from a home server's client API.
 * Nothing it returns is trusted as is: the opener verifies every bundle and revocation (PROTOCOL.md
 * §2.2, §3.2). An account's answer is kept for {@link #FRESHNESS}, because a reader opens many
 * envelopes from the same few senders in a row; a revocation is therefore seen at most that late.
 * An unreachable server gives no keys, so the sender shows as unverified rather than verified
 * wrongly. Thread-safe.
 */
public final class ApiSenderDirectory implements SenderDirectory {
  /** How long an account's bundles and revocations are reused. */
  public static final Duration FRESHNESS = Duration.ofSeconds(60);

  private record Fetched(SealpostClient.AccountKeys keys, Instant at) {}

  private final SealpostClient client;
  private final Clock clock;
  private final Map<Account, Fetched> accounts = new ConcurrentHashMap<>();

  public ApiSenderDirectory(SealpostClient client, Clock clock) {
    this.client = requireNonNull(client, "client");
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  public Optional<Bundle> bundle(Account sender, InstallationId installation) {
    return keys(sender)
        .flatMap(
            keys ->
                keys.bundles().stream()
                    .filter(b -> b.installation().equals(installation))
                    .findFirst());
  }

  @Override
  public List<Revocation> revocations(Account sender) {
    return keys(sender).map(SealpostClient.AccountKeys::revocations).orElse(List.of());
  }

  @Override
  public Optional<SigningPublicKey> gatewayKey(Domain domain) {
    try {
      SealpostClient.ServerInfo info = client.serverInfo();
      return info.domain().equals(domain) ? Optional.of(info.serverKey()) : Optional.empty();
    } catch (ApiException e) {
      return Optional.empty();
    }
  }

  private Optional<SealpostClient.AccountKeys> keys(Account sender) {
    Instant now = clock.instant();
    Fetched fetched = accounts.get(sender);
    if (fetched != null && fetched.at().plus(FRESHNESS).isAfter(now)) {
      return Optional.of(fetched.keys());
    }
    try {
      SealpostClient.AccountKeys keys = client.bundles(sender.canonical());
      accounts.put(sender, new Fetched(keys, now));
      return Optional.of(keys);
    } catch (ApiException e) {
      return Optional.empty();
    }
  }
}
