package org.sealpost.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sealpost.identity.testing.Fixtures.ALICE_KEY;
import static org.sealpost.identity.testing.Fixtures.BOB_KEY;
import static org.sealpost.identity.testing.Fixtures.CAROL_KEY;
import static org.sealpost.identity.testing.Fixtures.RANDOM;
import static org.sealpost.identity.testing.Fixtures.wallet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.ApiException;
import org.sealpost.client.InboxEntry;
import org.sealpost.client.InstallationAuthorizer;
import org.sealpost.client.InstallationSession;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.envelope.Author;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.identity.envelope.EnvelopeOpener;
import org.sealpost.identity.envelope.EnvelopeSealer;
import org.sealpost.identity.envelope.OpenedEnvelope;
import org.sealpost.identity.envelope.SenderCheck;
import org.sealpost.identity.envelope.SenderDirectory;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.BundleVerifier;
import org.sealpost.identity.installation.InstallationId;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.LinkStatement;
import org.sealpost.identity.installation.Revocation;
import org.sealpost.identity.installation.RevocationStatement;
import org.sealpost.identity.wallet.WalletKey;

/**
 * The client API of PROTOCOL.md §7 driven over real sockets with the project's Java client, on each
 * database (subclasses pick H2 or PostgreSQL).
 */
abstract class ClientApiContract {
  private static final Clock CLOCK = Clock.systemUTC();

  @TempDir Path dataDir;
  TestServer server;
  SealpostClient client;
  final EnvelopeSealer sealer = new EnvelopeSealer(CLOCK, RANDOM);
  final BundleVerifier verifier = new BundleVerifier(CLOCK);

  /** Settings that point the server at this contract's database. */
  abstract Map<String, String> databaseSettings();

  /** A wallet with one installation linked on the test server. */
  record Person(
      WalletKey wallet, InstallationKeys keys, Bundle bundle, InstallationSession session) {
    Account account() {
      return wallet.account();
    }
  }

  @BeforeEach
  void startServer() throws Exception {
    server = TestServer.start(dataDir, databaseSettings());
    client = new SealpostClient(server.url(), CLOCK);
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  Person person(String walletKey) {
    WalletKey wallet = wallet(walletKey);
    InstallationKeys keys = InstallationKeys.generate(RANDOM);
    Bundle bundle = bundle(wallet, keys, TestServer.DOMAIN);
    assertThat(client.link(bundle)).isTrue();
    return new Person(wallet, keys, bundle, client.as(keys));
  }

  static Bundle bundle(WalletKey wallet, InstallationKeys keys, String home) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    LinkStatement statement =
        LinkStatement.forKeys(
            wallet.account(), domain(home), keys, now, now.plus(Duration.ofDays(30)));
    return new Bundle(statement, wallet.signPersonal(statement.text()));
  }

  static Domain domain(String name) {
    try {
      return Domain.parse(name);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  Envelope seal(Person from, Person to, String subject) {
    byte[] mime =
        ("Subject: " + subject + "\r\n\r\nbody of " + subject + "\r\n")
            .getBytes(StandardCharsets.UTF_8);
    List<Bundle> bundles = client.bundles(to.account().canonical()).bundles();
    bundles.forEach(b -> assertThat(verifier.verify(b).isValid()).isTrue());
    return sealer.seal(new Author.Installation(from.account(), from.keys()), bundles, mime);
  }

  /** Opens what {@code reader} received, verifying the sender through the server's directory. */
  OpenedEnvelope open(Person reader, Envelope envelope) throws Exception {
    SenderDirectory directory =
        (Account sender, InstallationId installation) ->
            client.bundles(sender.canonical()).bundles().stream()
                .filter(b -> b.installation().equals(installation))
                .findFirst();
    return new EnvelopeOpener(reader.account(), reader.keys(), verifier).open(envelope, directory);
  }

  static String subjectOf(OpenedEnvelope opened) {
    String mime = new String(opened.mime(), StandardCharsets.UTF_8);
    return mime.substring("Subject: ".length(), mime.indexOf("\r\n"));
  }

  @Test
  void theServerDescribesItselfAtTheWellKnownAddress() {
    SealpostClient.ServerInfo info = client.serverInfo();

    assertThat(info.domain().name()).isEqualTo(TestServer.DOMAIN);
    assertThat(info.serverKey()).isEqualTo(server.server().serverKey().publicKey());
  }

  @Test
  void linkingIsCreatedOnceThenKnownAndServedToAnyone() {
    WalletKey alice = wallet(ALICE_KEY);
    InstallationKeys keys = InstallationKeys.generate(RANDOM);
    Bundle bundle = bundle(alice, keys, TestServer.DOMAIN);

    assertThat(client.link(bundle)).isTrue();
    assertThat(client.link(bundle)).isFalse();
    SealpostClient.AccountKeys served = client.bundles(alice.account() + "@" + TestServer.DOMAIN);
    assertThat(served.bundles()).containsExactly(bundle);
    assertThat(client.bundles(alice.account().checksummed()).bundles()).containsExactly(bundle);
  }

  @Test
  void aBundleForAnotherHomeOrSignedByAnotherWalletIsRefused() {
    WalletKey alice = wallet(ALICE_KEY);
    InstallationKeys keys = InstallationKeys.generate(RANDOM);
    Bundle elsewhere = bundle(alice, keys, "elsewhere.test");
    Bundle genuine = bundle(alice, keys, TestServer.DOMAIN);
    Bundle forged =
        new Bundle(genuine.statement(), wallet(BOB_KEY).signPersonal(genuine.statement().text()));

    assertApiError(() -> client.link(elsewhere), 403, "wrong_home");
    assertApiError(() -> client.link(forged), 400, "invalid_bundle");
    assertApiError(() -> client.bundles(alice.account().canonical()), 404, "unknown_account");
  }

  @Test
  void anAccountMayLinkOnlyAsManyInstallationsAsConfigured() {
    WalletKey alice = wallet(ALICE_KEY);
    for (int i = 0; i < 3; i++) {
      assertThat(client.link(bundle(alice, InstallationKeys.generate(RANDOM), TestServer.DOMAIN)))
          .isTrue();
    }

    assertApiError(
        () -> client.link(bundle(alice, InstallationKeys.generate(RANDOM), TestServer.DOMAIN)),
        409,
        "too_many_installations");
  }

  @Test
  void publishedEnvelopesAreReadInOrderAndOpenWithAVerifiedSender() throws Exception {
    Person alice = person(ALICE_KEY);
    Person bob = person(BOB_KEY);
    for (int i = 1; i <= 5; i++) {
      InstallationSession.Published published =
          alice.session().publish(seal(alice, bob, "message " + i), Optional.empty());
      assertThat(published.status()).isEqualTo("stored");
    }

    List<InboxEntry> read = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    InstallationSession.InboxPage page;
    do {
      page = bob.session().inbox(cursor, 2);
      read.addAll(page.entries());
      cursor = page.next();
    } while (!page.entries().isEmpty());

    assertThat(read).hasSize(5);
    for (int i = 0; i < 5; i++) {
      OpenedEnvelope opened = open(bob, read.get(i).envelope());
      assertThat(subjectOf(opened)).isEqualTo("message " + (i + 1));
      assertThat(opened.sender())
          .isEqualTo(new SenderCheck.Verified(alice.bundle().mailAddress(), alice.keys().id()));
    }
    assertThat(alice.session().inbox(Optional.empty(), 10).entries()).isEmpty();
  }

  @Test
  void publishingTheSameEnvelopeTwiceStoresItOnce() {
    Person alice = person(ALICE_KEY);
    Person bob = person(BOB_KEY);
    Envelope envelope = seal(alice, bob, "once");

    alice.session().publish(envelope, Optional.empty());
    alice.session().publish(envelope, Optional.empty());

    assertThat(bob.session().inbox(Optional.empty(), 10).entries()).hasSize(1);
  }

  @Test
  void envelopesForOtherHomesAreQueuedAndUnknownRecipientsRefused() {
    Person alice = person(ALICE_KEY);
    WalletKey remote = wallet(CAROL_KEY);
    Bundle remoteBundle = bundle(remote, InstallationKeys.generate(RANDOM), "elsewhere.test");
    Envelope toRemote =
        sealer.seal(
            new Author.Installation(alice.account(), alice.keys()),
            List.of(remoteBundle),
            new byte[] {1});

    assertThat(alice.session().publish(toRemote, Optional.of(domain("elsewhere.test"))).status())
        .isEqualTo("queued");
    assertApiError(
        () -> alice.session().publish(toRemote, Optional.empty()), 404, "unknown_recipient");
  }

  @Test
  void requestsWithoutValidInstallationAuthAreRefusedWithTheReason() throws Exception {
    Person alice = person(ALICE_KEY);
    InstallationAuthorizer authorizer = new InstallationAuthorizer(alice.keys(), CLOCK);
    String target = "/v1/inbox?limit=1";

    assertThat(raw("GET", target, null, null, new byte[0]).body()).contains("\"missing_auth\"");
    HttpResponse<String> skewed =
        raw(
            "GET",
            target,
            authorizer.authorization(
                "GET", target, new byte[0], Instant.now().getEpochSecond() - 600),
            null,
            new byte[0]);
    assertThat(skewed.statusCode()).isEqualTo(401);
    assertThat(skewed.body()).contains("\"clock_skew\"");
    HttpResponse<String> otherTarget =
        raw(
            "GET",
            target,
            authorizer.authorization("GET", "/v1/inbox?limit=2", new byte[0]),
            null,
            new byte[0]);
    assertThat(otherTarget.statusCode()).isEqualTo(401);
    assertThat(otherTarget.body()).contains("\"bad_signature\"");
    HttpResponse<String> stranger =
        raw(
            "GET",
            target,
            new InstallationAuthorizer(InstallationKeys.generate(RANDOM), CLOCK)
                .authorization("GET", target, new byte[0]),
            null,
            new byte[0]);
    assertThat(stranger.body()).contains("\"unknown_installation\"");
    assertThat(raw("GET", target, "Sealpost installation=zz", null, new byte[0]).body())
        .contains("\"bad_auth\"");
  }

  @Test
  void malformedOversizedAndMistypedEnvelopesAreRefused() throws Exception {
    Person alice = person(ALICE_KEY);
    InstallationAuthorizer authorizer = new InstallationAuthorizer(alice.keys(), CLOCK);
    byte[] garbage = {(byte) 0xff, 0x00, 0x01};
    byte[] huge = new byte[300 * 1024];

    HttpResponse<String> malformed =
        raw(
            "POST",
            "/v1/envelopes",
            authorizer.authorization("POST", "/v1/envelopes", garbage),
            "application/x-protobuf",
            garbage);
    HttpResponse<String> mistyped =
        raw(
            "POST",
            "/v1/envelopes",
            authorizer.authorization("POST", "/v1/envelopes", garbage),
            "application/json",
            garbage);
    HttpResponse<String> oversized =
        raw(
            "POST",
            "/v1/envelopes",
            authorizer.authorization("POST", "/v1/envelopes", huge),
            "application/x-protobuf",
            huge);

    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).contains("\"invalid_envelope\"");
    assertThat(mistyped.statusCode()).isEqualTo(415);
    assertThat(oversized.statusCode()).isEqualTo(413);
    assertThat(oversized.body())
        .contains("\"envelope_too_large\"")
        .contains("at most 262144 bytes");
    assertThat(raw("GET", "/healthz", null, null, new byte[0]).statusCode()).isEqualTo(200);
  }

  @Test
  void theStreamDeliversLiveEnvelopesAndResumesWithoutGapsOrDuplicates() throws Exception {
    Person alice = person(ALICE_KEY);
    Person bob = person(BOB_KEY);
    alice.session().publish(seal(alice, bob, "before"), Optional.empty());

    List<InboxEntry> first = new CopyOnWriteArrayList<>();
    CountDownLatch sawBefore = new CountDownLatch(1);
    CompletableFuture<Void> stream =
        CompletableFuture.runAsync(
            () ->
                bob.session().stream(
                    Optional.empty(),
                    entry -> {
                      first.add(entry);
                      sawBefore.countDown();
                      return first.size() < 3;
                    }));
    assertThat(sawBefore.await(10, TimeUnit.SECONDS)).isTrue();
    alice.session().publish(seal(alice, bob, "live 1"), Optional.empty());
    alice.session().publish(seal(alice, bob, "live 2"), Optional.empty());
    stream.get(10, TimeUnit.SECONDS);

    // Disconnected: two more arrive, then Bob resumes from the last cursor he saw.
    alice.session().publish(seal(alice, bob, "offline 1"), Optional.empty());
    alice.session().publish(seal(alice, bob, "offline 2"), Optional.empty());
    List<InboxEntry> resumed = new ArrayList<>();
    CompletableFuture.runAsync(
            () ->
                bob.session().stream(
                    Optional.of(first.get(2).cursor()),
                    entry -> resumed.add(entry) && resumed.size() < 2))
        .get(10, TimeUnit.SECONDS);

    List<String> subjects = new ArrayList<>();
    for (InboxEntry entry : concat(first, resumed)) {
      subjects.add(subjectOf(open(bob, entry.envelope())));
    }
    assertThat(subjects).containsExactly("before", "live 1", "live 2", "offline 1", "offline 2");
  }

  @Test
  void aRevokedInstallationCanNoLongerAuthenticateNorReceiveWraps() {
    Person alice = person(ALICE_KEY);
    Person bob = person(BOB_KEY);
    RevocationStatement statement =
        new RevocationStatement(
            bob.account(), bob.keys().id(), Instant.now().truncatedTo(ChronoUnit.SECONDS));
    client.revoke(new Revocation(statement, bob.wallet().signPersonal(statement.text())));

    assertApiError(() -> bob.session().inbox(Optional.empty(), 1), 401, "unknown_installation");
    SealpostClient.AccountKeys keys = client.bundles(bob.account().canonical());
    assertThat(keys.bundles()).isEmpty();
    assertThat(keys.revocations()).hasSize(1);
    assertThat(alice.session().inbox(Optional.empty(), 1).entries()).isEmpty();
  }

  @Test
  void aDeniedSenderIsNotDeliveredUntilAllowedAgain() {
    Person alice = person(ALICE_KEY);
    Person bob = person(BOB_KEY);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    bob.session().decide("sender", alice.account().checksummed(), "deny", now.minusSeconds(10));
    InstallationSession.Published denied =
        alice.session().publish(seal(alice, bob, "denied"), Optional.empty());
    bob.session().decide("sender", alice.account().canonical(), "allow", now);
    alice.session().publish(seal(alice, bob, "allowed"), Optional.empty());

    assertThat(denied.status()).isEqualTo("stored");
    assertThat(bob.session().inbox(Optional.empty(), 10).entries()).hasSize(1);
    assertThat(bob.session().consent())
        .containsExactly(
            new InstallationSession.ConsentDecision(
                "sender", alice.account().canonical(), "allow", now));
    assertApiError(
        () ->
            bob.session()
                .decide(
                    "sender", alice.account().canonical(), "deny", now.plus(Duration.ofDays(1))),
        400,
        "invalid_consent");
  }

  @Test
  void aBurstBeyondTheInstallationLimitIsTooManyRequests() {
    Person alice = person(ALICE_KEY);
    ApiException refused = null;
    for (int i = 0; i < 100 && refused == null; i++) {
      try {
        alice.session().inbox(Optional.empty(), 1);
      } catch (ApiException e) {
        refused = e;
      }
    }

    assertThat(refused).isNotNull();
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.code()).isEqualTo("rate_limited");
  }

  @Test
  void aRestartOnTheSameDataKeepsEverything() throws Exception {
    Person alice = person(ALICE_KEY);
    Person bob = person(BOB_KEY);
    alice.session().publish(seal(alice, bob, "kept"), Optional.empty());
    var serverKey = server.server().serverKey().publicKey();

    server.close();
    server = TestServer.start(dataDir, databaseSettings());
    client = new SealpostClient(server.url(), CLOCK);

    assertThat(client.serverInfo().serverKey()).isEqualTo(serverKey);
    List<InboxEntry> entries = client.as(bob.keys()).inbox(Optional.empty(), 10).entries();
    assertThat(entries).hasSize(1);
  }

  @Test
  void operationalEndpointsAnswer() throws Exception {
    assertThat(raw("GET", "/readyz", null, null, new byte[0]).body()).contains("ready");
    assertThat(raw("GET", "/metrics", null, null, new byte[0]).body())
        .contains("sealpost_http_request_duration_seconds");
    assertThat(raw("GET", "/openapi.yaml", null, null, new byte[0]).body())
        .contains("/v1/inbox/stream");
    HttpResponse<String> autoconfig =
        raw("GET", "/mail/config-v1.1.xml?emailaddress=0xabc%40home.test", null, null, new byte[0]);
    assertThat(autoconfig.body())
        .contains("<incomingServer type=\"imap\">")
        .contains("<port>1143</port>");
    HttpResponse<String> missing = raw("GET", "/v2/nothing", null, null, new byte[0]);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("\"not_found\"");
  }

  HttpResponse<String> raw(
      String method, String target, String authorization, String contentType, byte[] body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.url() + target))
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static void assertApiError(Runnable call, int status, String code) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).as("%s", e).isEqualTo(status);
              assertThat(e.code()).as("%s", e).isEqualTo(code);
              assertThat(e.getMessage()).isNotBlank();
            });
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
