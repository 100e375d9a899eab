package org.sealpost.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.sealpost.identity.Domain;
import org.sealpost.identity.MalformedException;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.identity.installation.Bundle;
import org.sealpost.identity.installation.InstallationKeys;
import org.sealpost.identity.installation.Revocation;
import org.sealpost.identity.installation.SigningPublicKey;
import org.sealpost.wire.BundleJson;
import org.sealpost.wire.RevocationJson;

/**
 * A client of a home server's client API (PROTOCOL.md §7, docs/api.md). Anonymous calls live here;
 * an installation's own calls go through {@link #as(InstallationKeys)}. Thread-safe. Every refusal
 * is an {@link ApiException} carrying the server's error code and message.
 */
public final class SealpostClient {
  static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http;
  private final Clock clock;

  /** The server's identity and endpoints (§4). */
  public record ServerInfo(Domain domain, SigningPublicKey serverKey, URI api, URI federation) {}

  /** The valid keys an account publishes (§7). */
  public record AccountKeys(List<Bundle> bundles, List<Revocation> revocations) {}

  public SealpostClient(URI base, Clock clock) {
    this(base, clock, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
  }

  public SealpostClient(URI base, Clock clock, HttpClient http) {
    requireNonNull(base, "base");
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    this.clock = requireNonNull(clock, "clock");
    this.http = requireNonNull(http, "http");
  }

  public ServerInfo serverInfo() {
    JsonNode node = json(send(get("/.well-known/sealpost").build()));
    try {
      return new ServerInfo(
          Domain.parse(node.path("domain").asText()),
          SigningPublicKey.parse("serverKey", node.path("serverKey").asText()),
          URI.create(node.path("api").asText()),
          URI.create(node.path("federation").asText()));
    } catch (MalformedException | IllegalArgumentException e) {
      throw new ApiException(
          200,
          "bad_response",
          "the server's /.well-known/sealpost is malformed: " + e.getMessage());
    }
  }

  /** Publishes a bundle; true if it was new (201), false if the server knew it (200). */
  public boolean link(Bundle bundle) {
    HttpResponse<byte[]> response =
        send(
            post(
                    "/v1/bundles",
                    "application/json",
                    BundleJson.toJson(bundle).getBytes(StandardCharsets.UTF_8))
                .build());
    return response.statusCode() == 201;
  }

  public void revoke(Revocation revocation) {
    send(
        post(
                "/v1/revocations",
                "application/json",
                RevocationJson.toJson(revocation).getBytes(StandardCharsets.UTF_8))
            .build());
  }

  /** The bundles of an account or mail address, as served: callers MUST verify them. */
  public AccountKeys bundles(String accountOrMailAddress) {
    JsonNode node =
        json(
            send(
                get("/v1/accounts/"
                        + URLEncoder.encode(accountOrMailAddress, StandardCharsets.UTF_8)
                        + "/bundles")
                    .build()));
    List<Bundle> bundles = new ArrayList<>();
    List<Revocation> revocations = new ArrayList<>();
    try {
      for (JsonNode bundle : node.path("bundles")) {
        bundles.add(BundleJson.fromNode((ObjectNode) bundle));
      }
      for (JsonNode revocation : node.path("revocations")) {
        revocations.add(RevocationJson.fromNode((ObjectNode) revocation));
      }
    } catch (MalformedException | ClassCastException e) {
      throw new ApiException(
          200, "bad_response", "the server sent a malformed bundle list: " + e.getMessage());
    }
    return new AccountKeys(bundles, revocations);
  }

  /** Calls made as one installation (signed with its key). */
  public InstallationSession as(InstallationKeys keys) {
    return new InstallationSession(this, new InstallationAuthorizer(keys, clock));
  }

  // ---- plumbing shared with InstallationSession ----

  HttpRequest.Builder get(String pathAndQuery) {
    return HttpRequest.newBuilder(base.resolve(base.getPath() + pathAndQuery))
        .timeout(Duration.ofSeconds(30))
        .GET();
  }

  HttpRequest.Builder post(String pathAndQuery, String contentType, byte[] body) {
    return HttpRequest.newBuilder(base.resolve(base.getPath() + pathAndQuery))
        .timeout(Duration.ofSeconds(120))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  HttpRequest.Builder put(String pathAndQuery, String contentType, byte[] body) {
    return HttpRequest.newBuilder(base.resolve(base.getPath() + pathAndQuery))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", contentType)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  /** The path prefix of the base URL, which signed request targets include. */
  String basePath() {
    return base.getPath();
  }

  HttpClient http() {
    return http;
  }

  HttpResponse<byte[]> send(HttpRequest request) {
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new ApiException("cannot reach " + base + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException("interrupted while calling " + base, e);
    }
    if (response.statusCode() >= 400) {
      throw error(response.statusCode(), response.body());
    }
    return response;
  }

  static ApiException error(int status, byte[] body) {
    try {
      JsonNode node = JSON.readTree(body);
      return new ApiException(
          status, node.path("error").asText("http_" + status), node.path("message").asText(""));
    } catch (IOException notJson) {
      return new ApiException(status, "http_" + status, new String(body, StandardCharsets.UTF_8));
    }
  }

  static JsonNode json(HttpResponse<byte[]> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Envelope envelope(String base64) {
    try {
      return Envelope.parse(Base64.getDecoder().decode(base64));
    } catch (MalformedException | IllegalArgumentException e) {
      throw new ApiException(
          200, "bad_response", "the server sent a malformed envelope: " + e.getMessage());
    }
  }

  static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }
}
