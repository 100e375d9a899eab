package org.sealpost.bridge.smtp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.sealpost.identity.Account;
import org.sealpost.identity.envelope.Envelope;

/**
 * A real HTTP hop between the SMTP bridge and the home server that passes every request through,
 * except envelopes published for the accounts it is told to refuse: those get the status given
 * (403: refused for good; 503: the server is failing). How a test makes a delivery fail after DATA.
 */
final class RefusingProxy implements AutoCloseable {
  private final HttpServer http;
  private final HttpClient client = HttpClient.newHttpClient();
  private final URI target;
  private final Set<Account> refused = ConcurrentHashMap.newKeySet();
  private volatile int status = 403;

  RefusingProxy(URI target) throws IOException {
    this.target = target;
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    http.createContext("/", this::handle);
    http.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
  }

  void refuse(Account account, int status) {
    this.status = status;
    refused.add(account);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String method = exchange.getRequestMethod();
      if (method.equals("POST") && exchange.getRequestURI().getPath().equals("/v1/envelopes")) {
        try {
          if (refused.contains(Envelope.parse(body).recipient())) {
            byte[] error =
                ("{\"error\":\"refused_by_test\",\"message\":\"the test proxy refuses envelopes for"
                        + " this account\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, error.length);
            exchange.getResponseBody().write(error);
            return;
          }
        } catch (Exception notAnEnvelope) {
          // pass it on: the server answers it
        }
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
              .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
      for (String header : new String[] {"Authorization", "Content-Type", "Accept"}) {
        String value = exchange.getRequestHeaders().getFirst(header);
        if (value != null) {
          request.header(header, value);
        }
      }
      HttpResponse<byte[]> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      response
          .headers()
          .firstValue("Content-Type")
          .ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
      exchange.sendResponseHeaders(
          response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
      exchange.getResponseBody().write(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
