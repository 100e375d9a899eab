package org.sealpost.server.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.sse.SseHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import org.sealpost.identity.Account;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MailAddress;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.ProtocolTime;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.identity.installation.InstallationId;
import org.sealpost.identity.installation.SigningPublicKey;
import org.sealpost.server.Problem;
import org.sealpost.server.consent.Consent;
import org.sealpost.server.directory.Directory;
import org.sealpost.server.inbox.Inboxes;
import org.sealpost.server.store.ConsentRecord;
import org.sealpost.server.store.Cursor;
import org.sealpost.server.store.InboxPage;
import org.sealpost.server.store.StoredEnvelope;
import org.sealpost.wire.BundleJson;
import org.sealpost.wire.RevocationJson;

/** The handlers of the client API (PROTOCOL.md §7 and docs/api.md). */
final class ClientApi {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PROTOBUF = "application/x-protobuf";
  private static final long PAGE_BYTES = 32L * 1024 * 1024;

  /** A future-dated decision would pin itself against later ones; allow only clock skew. */
  private static final Duration DECISION_SKEW = Duration.ofMinutes(5);

  private final Directory directory;
  private final Inboxes inboxes;
  private final Consent consent;
  private final InstallationAuth auth;
  private final RateLimiter installationLimiter;
  private final InboxStreams streams;
  private final Metrics metrics;
  private final SigningPublicKey serverKey;
  private final String publicUrl;
  private final long maxEnvelopeBytes;
  private final int maxPageSize;
  private final Clock clock;

  ClientApi(
      Directory directory,
      Inboxes inboxes,
      Consent consent,
      InstallationAuth auth,
      RateLimiter installationLimiter,
      InboxStreams streams,
      Metrics metrics,
      SigningPublicKey serverKey,
      String publicUrl,
      long maxEnvelopeBytes,
      int maxPageSize,
      Clock clock) {
    this.directory = requireNonNull(directory, "directory");
    this.inboxes = requireNonNull(inboxes, "inboxes");
    this.consent = requireNonNull(consent, "consent");
    this.auth = requireNonNull(auth, "auth");
    this.installationLimiter = requireNonNull(installationLimiter, "installationLimiter");
    this.streams = requireNonNull(streams, "streams");
    this.metrics = requireNonNull(metrics, "metrics");
    this.serverKey = requireNonNull(serverKey, "serverKey");
    this.publicUrl =
        publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    this.maxEnvelopeBytes = maxEnvelopeBytes;
    this.maxPageSize = maxPageSize;
    this.clock = requireNonNull(clock, "clock");
  }

  /** {@code GET /.well-known/sealpost} (§4). */
  void serverInfo(Context ctx) {
    json(
        ctx,
        200,
        JSON.createObjectNode()
            .put("domain", directory.home().name())
            .put("serverKey", serverKey.hex())
            .put("api", publicUrl)
            .put("federation", publicUrl + "/federation"));
  }

  /** {@code POST /v1/bundles}: 201 new, 200 known. */
  void publishBundle(Context ctx) {
    var bundle = parse(() -> BundleJson.parse(utf8(ctx)), "invalid_bundle");
    Directory.Publication publication = directory.publish(bundle);
    json(ctx, publication == Directory.Publication.CREATED ? 201 : 200, BundleJson.toNode(bundle));
  }

  /** {@code POST /v1/revocations}. */
  void publishRevocation(Context ctx) {
    var revocation = parse(() -> RevocationJson.parse(utf8(ctx)), "invalid_revocation");
    directory.revoke(revocation);
    json(ctx, 200, RevocationJson.toNode(revocation));
  }

  /** {@code GET /v1/accounts/{account-or-mail-address}/bundles}. */
  void accountBundles(Context ctx) {
    String target = ctx.pathParam("account");
    Account account;
    if (target.contains("@")) {
      MailAddress address = parse(() -> MailAddress.parse(target), "invalid_account");
      if (!address.home().equals(directory.home())) {
        throw new Problem(
            Problem.Kind.UNAVAILABLE,
            "federation_unavailable",
            address + " is homed at " + address.home() + "; this server does not federate yet");
      }
      account = address.account();
    } else {
      account = parse(() -> Account.parse(target), "invalid_account");
    }
    Directory.AccountKeys keys = directory.keysOf(account);
    if (keys.bundles().isEmpty() && !directory.hosts(account)) {
      throw new Problem(
          Problem.Kind.NOT_FOUND,
          "unknown_account",
          account + " has no inbox on " + directory.home());
    }
    ObjectNode body = JSON.createObjectNode();
    ArrayNode bundles = body.putArray("bundles");
    keys.bundles().forEach(b -> bundles.add(BundleJson.toNode(b)));
    ArrayNode revocations = body.putArray("revocations");
    keys.revocations().forEach(r -> revocations.add(RevocationJson.toNode(r)));
    json(ctx, 200, body);
  }

  /** {@code POST /v1/envelopes?home=}: 202 once committed. */
  void publishEnvelope(Context ctx) {
    InstallationAuth.Caller caller = authenticate(ctx);
    String contentType = Optional.ofNullable(ctx.contentType()).orElse("");
    if (!contentType.toLowerCase(Locale.ROOT).startsWith(PROTOBUF)) {
      throw new Problem(
          Problem.Kind.UNSUPPORTED_MEDIA_TYPE,
          "unsupported_media_type",
          "send one serialized Envelope with Content-Type: " + PROTOBUF);
    }
    byte[] body = ctx.bodyAsBytes();
    if (body.length > maxEnvelopeBytes) {
      throw tooLarge("/v1/envelopes", body.length);
    }
    Envelope envelope = parse(() -> Envelope.parse(body), "invalid_envelope");
    Optional<Domain> home =
        Optional.ofNullable(ctx.queryParam("home"))
            .map(h -> parse(() -> Domain.parse(h), "invalid_home"));
    Inboxes.Status status = inboxes.publish(caller.bundle().account(), envelope, home);
    String statusName = status.name().toLowerCase(Locale.ROOT);
    metrics.published(statusName);
    json(
        ctx, 202, JSON.createObjectNode().put("id", envelope.id().hex()).put("status", statusName));
  }

  /** The 413 answer, for an envelope or (from the HTTP layer) any oversized body. */
  Problem tooLarge(String path, long size) {
    String what = path.equals("/v1/envelopes") ? "envelope" : "request body";
    return new Problem(
        Problem.Kind.TOO_LARGE,
        path.equals("/v1/envelopes") ? "envelope_too_large" : "request_too_large",
        "the "
            + what
            + (size >= 0 ? " is " + size + " bytes" : " is too large")
            + "; this server accepts at most "
            + maxEnvelopeBytes
            + " bytes");
  }

  /** {@code GET /v1/inbox?after=&limit=}. */
  void readInbox(Context ctx) {
    InstallationAuth.Caller caller = authenticate(ctx);
    Optional<Cursor> after = cursor(ctx.queryParam("after"));
    int limit = limit(ctx.queryParam("limit"));
    InboxPage page = inboxes.read(caller.bundle().account(), after, limit, PAGE_BYTES);
    ObjectNode body = JSON.createObjectNode();
    ArrayNode envelopes = body.putArray("envelopes");
    page.envelopes().forEach(e -> envelopes.add(inboxEntry(e)));
    // Always a string: at the very start, the cursor before the first envelope.
    body.put("next", page.next().orElse(Cursor.START).encode());
    json(ctx, 200, body);
  }

  /**
   * {@code GET /v1/inbox/stream?after=}: Server-Sent Events; {@code Last-Event-ID} also resumes.
   */
  void streamInbox(Context ctx) throws Exception {
    String accept = Optional.ofNullable(ctx.header("Accept")).orElse("");
    if (!accept.contains("text/event-stream")) {
      throw new Problem(
          Problem.Kind.NOT_ACCEPTABLE,
          "not_acceptable",
          "the inbox stream is Server-Sent Events: send Accept: text/event-stream");
    }
    InstallationAuth.Caller caller = authenticate(ctx);
    // An EventSource reconnects to the same URL with a newer Last-Event-ID: that one wins.
    String resumeFrom =
        Optional.ofNullable(ctx.header("Last-Event-ID")).orElse(ctx.queryParam("after"));
    Optional<Cursor> after = cursor(resumeFrom);
    Account account = caller.bundle().account();
    InstallationId installation = caller.bundle().installation();
    new SseHandler(
            client ->
                streams.open(
                    client, account, after, () -> directory.activeBundle(installation).isPresent()))
        .handle(ctx);
  }

  /** {@code PUT /v1/consent}: an installation records an allow or deny decision. */
  void decideConsent(Context ctx) {
    InstallationAuth.Caller caller = authenticate(ctx);
    byte[] body = ctx.bodyAsBytes();
    JsonNode node = parse(() -> readObject(body), "invalid_consent");
    ConsentRecord.Kind kind =
        parse(() -> enumValue(ConsentRecord.Kind.class, node, "kind"), "invalid_consent");
    ConsentRecord.State state =
        parse(() -> enumValue(ConsentRecord.State.class, node, "state"), "invalid_consent");
    String subject =
        parse(
            () -> {
              String text = text(node, "subject");
              return kind == ConsentRecord.Kind.SENDER
                  ? Account.parse(text).canonical()
                  : Domain.parse(text).name();
            },
            "invalid_consent");
    Instant decidedAt =
        parse(() -> ProtocolTime.parse("decidedAt", text(node, "decidedAt")), "invalid_consent");
    if (decidedAt.isAfter(clock.instant().plus(DECISION_SKEW))) {
      throw Problem.invalid(
          "invalid_consent",
          "decidedAt "
              + decidedAt
              + " is in the future; a decision is dated when it is made (check the clock)");
    }
    ConsentRecord inForce =
        consent.decide(
            new ConsentRecord(
                caller.bundle().account(),
                kind,
                subject,
                state,
                decidedAt,
                caller.bundle().installation(),
                pathAndQuery(ctx),
                caller.time(),
                body,
                caller.signature()));
    json(ctx, 200, consentNode(inForce));
  }

  /** {@code GET /v1/consent}: the account's decisions, each with its proof. */
  void listConsent(Context ctx) {
    InstallationAuth.Caller caller = authenticate(ctx);
    ObjectNode body = JSON.createObjectNode();
    ArrayNode records = body.putArray("records");
    consent.of(caller.bundle().account()).forEach(r -> records.add(consentNode(r)));
    json(ctx, 200, body);
  }

  /** JSON bodies are UTF-8 (§7), whatever charset a Content-Type parameter claims. */
  private static String utf8(Context ctx) {
    return new String(ctx.bodyAsBytes(), java.nio.charset.StandardCharsets.UTF_8);
  }

  static ObjectNode inboxEntry(StoredEnvelope envelope) {
    return JSON.createObjectNode()
        .put("cursor", envelope.cursor().encode())
        .put("envelope", Base64.getEncoder().encodeToString(envelope.body()));
  }

  private static ObjectNode consentNode(ConsentRecord r) {
    ObjectNode node =
        JSON.createObjectNode()
            .put("kind", r.kind().name().toLowerCase(Locale.ROOT))
            .put("subject", r.subject())
            .put("state", r.state().name().toLowerCase(Locale.ROOT))
            .put("decidedAt", ProtocolTime.format(r.decidedAt()));
    node.putObject("proof")
        .put("installation", r.installation().hex())
        .put("method", "PUT")
        .put("target", r.requestTarget())
        .put("time", r.requestTime())
        .put("body", Base64.getEncoder().encodeToString(r.requestBody()))
        .put("sig", HexFormat.of().formatHex(r.signature()));
    return node;
  }

  private InstallationAuth.Caller authenticate(Context ctx) {
    InstallationAuth.Caller caller =
        auth.authenticate(
            ctx.header("Authorization"), ctx.method().name(), pathAndQuery(ctx), ctx.bodyAsBytes());
    long wait = installationLimiter.acquire(caller.bundle().installation().hex());
    if (wait > 0) {
      ctx.header("Retry-After", String.valueOf(wait));
      throw new Problem(
          Problem.Kind.RATE_LIMITED,
          "rate_limited",
          "too many requests from installation "
              + caller.bundle().installation()
              + "; retry in "
              + wait
              + " s");
    }
    return caller;
  }

  /** The request target exactly as the client sent it, which is what it signed. */
  static String pathAndQuery(Context ctx) {
    String query = ctx.req().getQueryString();
    return ctx.req().getRequestURI() + (query == null ? "" : "?" + query);
  }

  private Optional<Cursor> cursor(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        Cursor.decode(text)
            .orElseThrow(
                () ->
                    Problem.invalid(
                        "invalid_cursor",
                        "'" + text + "' is not a cursor this server handed out")));
  }

  private int limit(String text) {
    if (text == null) {
      return Math.min(100, maxPageSize);
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= maxPageSize) {
        return limit;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw Problem.invalid(
        "invalid_limit", "limit: '" + text + "' (expected: 1 to " + maxPageSize + ")");
  }

  private static JsonNode readObject(byte[] body) throws MalformedException {
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw new MalformedException("expected a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new MalformedException("not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (java.io.IOException e) {
      throw new MalformedException("unreadable body");
    }
  }

  private static String text(JsonNode node, String field) throws MalformedException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new MalformedException("field \"" + field + "\" must be a string");
    }
    return value.textValue();
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, JsonNode node, String field)
      throws MalformedException {
    String value = text(node, field);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value)) {
        return constant;
      }
    }
    throw new MalformedException(
        "field \""
            + field
            + "\": '"
            + value
            + "' (expected one of "
            + java.util.Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT))
                .toList()
            + ")");
  }

  static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status).contentType("application/json").result(body.toString());
  }

  /** A parse step whose failure is the client's fault. */
  @FunctionalInterface
  interface Parse<T> {
    T run() throws MalformedException;
  }

  static <T> T parse(Parse<T> step, String code) {
    try {
      return step.run();
    } catch (MalformedException e) {
      throw Problem.invalid(code, e.getMessage());
    }
  }
}
