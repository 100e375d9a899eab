package org.sealpost.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.sealpost.identity.Domain;
import org.sealpost.identity.ProtocolTime;
import org.sealpost.identity.envelope.Envelope;

/** The API calls of one installation, each signed with its key (PROTOCOL.md §7). Thread-safe. */
public final class InstallationSession {
  private final SealpostClient client;
  private final InstallationAuthorizer authorizer;

  /** Where a published envelope went: {@code stored} here or {@code queued} for another home. */
  public record Published(String id, String status) {}

  /** A page of the inbox and the cursor to read on from (empty at the very start). */
  public record InboxPage(List<InboxEntry> entries, Optional<String> next) {}

  /** One allow or deny decision in force. */
  public record ConsentDecision(String kind, String subject, String state, Instant decidedAt) {}

  InstallationSession(SealpostClient client, InstallationAuthorizer authorizer) {
    this.client = client;
    this.authorizer = authorizer;
  }

  /**
   * Publishes one envelope; returns once the server has committed it (202).
   *
   * @param home the recipient's home domain, when it is not this server
   */
  public Published publish(Envelope envelope, Optional<Domain> home) {
    String target = "/v1/envelopes" + home.map(h -> "?home=" + h.name()).orElse("");
    byte[] body = envelope.toByteArray();
    JsonNode node =
        SealpostClient.json(
            signed(client.post(target, "application/x-protobuf", body), "POST", target, body));
    return new Published(node.path("id").asText(), node.path("status").asText());
  }

  /**
   * Up to {@code limit} envelopes after {@code after} (from the start when empty), oldest first.
   */
  public InboxPage inbox(Optional<String> after, int limit) {
    String target =
        "/v1/inbox?limit="
            + limit
            + after.map(c -> "&after=" + URLEncoder.encode(c, StandardCharsets.UTF_8)).orElse("");
    JsonNode node = SealpostClient.json(signed(client.get(target), "GET", target, new byte[0]));
    List<InboxEntry> entries = new ArrayList<>();
    for (JsonNode entry : node.path("envelopes")) {
      entries.add(
          new InboxEntry(
              entry.path("cursor").asText(),
              SealpostClient.envelope(entry.path("envelope").asText())));
    }
    return new InboxPage(entries, SealpostClient.text(node, "next"));
  }

  /**
   * Follows the inbox live (Server-Sent Events) from {@code after}, calling {@code onEntry} for
   * each envelope in order on the calling thread, until it returns false, the stream ends or the
   * thread is interrupted (noticed at the next event or keep-alive). Resume after a disconnect with
   * the last cursor seen: nothing is skipped or repeated.
   */
  public void stream(Optional<String> after, Predicate<InboxEntry> onEntry) {
    requireNonNull(onEntry, "onEntry");
    String target =
        "/v1/inbox/stream"
            + after.map(c -> "?after=" + URLEncoder.encode(c, StandardCharsets.UTF_8)).orElse("");
    HttpRequest request =
        client
            .get(target)
            .timeout(java.time.Duration.ofDays(3650))
            .header("Accept", "text/event-stream")
            .header(
                "Authorization",
                authorizer.authorization("GET", client.basePath() + target, new byte[0]))
            .build();
    HttpResponse<InputStream> response;
    try {
      response = client.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new ApiException("inbox stream failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try (InputStream body = response.body();
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      if (response.statusCode() != 200) {
        throw SealpostClient.error(response.statusCode(), body.readAllBytes());
      }
      StringBuilder data = new StringBuilder();
      String line;
      while (!Thread.currentThread().isInterrupted() && (line = reader.readLine()) != null) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            JsonNode event = SealpostClient.JSON.readTree(data.toString());
            data.setLength(0);
            InboxEntry entry =
                new InboxEntry(
                    event.path("cursor").asText(),
                    SealpostClient.envelope(event.path("envelope").asText()));
            if (!onEntry.test(entry)) {
              return;
            }
          }
        } else if (line.startsWith("data:")) {
          data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
        }
      }
    } catch (IOException e) {
      if (!Thread.currentThread().isInterrupted()) {
        throw new ApiException("inbox stream broke: " + e.getMessage(), e);
      }
    }
  }

  /** Records an allow or deny decision about a sender account or a whole domain. */
  public ConsentDecision decide(String kind, String subject, String state, Instant decidedAt) {
    byte[] body =
        SealpostClient.JSON
            .createObjectNode()
            .put("kind", kind)
            .put("subject", subject)
            .put("state", state)
            .put("decidedAt", ProtocolTime.format(decidedAt))
            .toString()
            .getBytes(StandardCharsets.UTF_8);
    String target = "/v1/consent";
    return decision(
        SealpostClient.json(
            signed(client.put(target, "application/json", body), "PUT", target, body)));
  }

  /** The account's decisions in force. */
  public List<ConsentDecision> consent() {
    String target = "/v1/consent";
    List<ConsentDecision> decisions = new ArrayList<>();
    for (JsonNode record :
        SealpostClient.json(signed(client.get(target), "GET", target, new byte[0]))
            .path("records")) {
      decisions.add(decision(record));
    }
    return decisions;
  }

  private static ConsentDecision decision(JsonNode node) {
    return new ConsentDecision(
        node.path("kind").asText(),
        node.path("subject").asText(),
        node.path("state").asText(),
        Instant.parse(node.path("decidedAt").asText()));
  }

  private HttpResponse<byte[]> signed(
      HttpRequest.Builder request, String method, String target, byte[] body) {
    return client.send(
        request
            .header(
                "Authorization", authorizer.authorization(method, client.basePath() + target, body))
            .build());
  }
}
