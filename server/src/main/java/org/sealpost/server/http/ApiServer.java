package org.sealpost.server.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.sealpost.identity.installation.SigningPublicKey;
import org.sealpost.server.Problem;
import org.sealpost.server.config.ServerConfig;
import org.sealpost.server.consent.Consent;
import org.sealpost.server.directory.Directory;
import org.sealpost.server.inbox.Inboxes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of the client API, on Javalin (Jetty 12). Maps {@link Problem}s to the error
 * shape of PROTOCOL.md §7, applies per-IP and per-installation rate limits, records metrics, and
 * stops gracefully: requests in flight finish before the server closes.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  private static final Map<Problem.Kind, Integer> STATUS =
      Map.of(
          Problem.Kind.INVALID, 400,
          Problem.Kind.UNAUTHENTICATED, 401,
          Problem.Kind.FORBIDDEN, 403,
          Problem.Kind.NOT_FOUND, 404,
          Problem.Kind.CONFLICT, 409,
          Problem.Kind.TOO_LARGE, 413,
          Problem.Kind.UNSUPPORTED_MEDIA_TYPE, 415,
          Problem.Kind.NOT_ACCEPTABLE, 406,
          Problem.Kind.RATE_LIMITED, 429,
          Problem.Kind.UNAVAILABLE, 502);

  private final Javalin app;
  private final InboxStreams streams;

  /** Everything the API serves from; the composition root builds it. */
  public record Services(
      ServerConfig config,
      Directory directory,
      Inboxes inboxes,
      Consent consent,
      SigningPublicKey serverKey,
      BooleanSupplier ready,
      Clock clock) {}

  public ApiServer(Services services) {
    requireNonNull(services, "services");
    ServerConfig config = services.config();
    Metrics metrics = new Metrics();
    streams = new InboxStreams(services.inboxes(), metrics);
    services.inboxes().addListener(streams);
    ServerConfig.Limits limits = config.limits();
    ClientApi api =
        new ClientApi(
            services.directory(),
            services.inboxes(),
            services.consent(),
            new InstallationAuth(services.directory(), services.clock(), limits.authClockSkew()),
            new RateLimiter(
                limits.installationRequestsPerSecond(),
                limits.installationBurst(),
                System::nanoTime),
            streams,
            metrics,
            services.serverKey(),
            config.http().publicUrl().toString(),
            limits.maxEnvelopeBytes(),
            limits.maxInboxPageSize(),
            services.clock());
    RateLimiter ipLimiter =
        new RateLimiter(limits.ipRequestsPerSecond(), limits.ipBurst(), System::nanoTime);
    String autoconfig =
        Autoconfig.document(config.domain(), config.mail(), config.http().publicUrl().toString());

    app =
        Javalin.create(
            javalin -> {
              javalin.startup.showJavalinBanner = false;
              javalin.jetty.host = config.http().host();
              javalin.jetty.port = config.http().port();
              // Bodies up to the envelope limit (plus room for framing) are read; larger ones are
              // refused with 413 before they are buffered.
              javalin.http.maxRequestSize = limits.maxEnvelopeBytes() + 64 * 1024;
              javalin.jetty.modifyServer(
                  server -> {
                    server.setStopTimeout(config.http().shutdownGrace().toMillis());
                    server.insertHandler(new GracefulHandler());
                  });
              javalin.requestLogger.http(
                  (ctx, ms) ->
                      metrics.request(
                          ctx.method().name(), route(ctx), ctx.statusCode(), ms / 1000));
              var routes = javalin.routes;
              routes.get("/.well-known/sealpost", api::serverInfo);
              routes.post("/v1/bundles", limited(ipLimiter, api::publishBundle));
              routes.post("/v1/revocations", limited(ipLimiter, api::publishRevocation));
              routes.get("/v1/accounts/{account}/bundles", limited(ipLimiter, api::accountBundles));
              routes.post("/v1/envelopes", limited(ipLimiter, api::publishEnvelope));
              routes.get("/v1/inbox", limited(ipLimiter, api::readInbox));
              routes.get("/v1/inbox/stream", limited(ipLimiter, api::streamInbox));
              routes.put("/v1/consent", limited(ipLimiter, api::decideConsent));
              routes.get("/v1/consent", limited(ipLimiter, api::listConsent));
              routes.get(
                  "/.well-known/autoconfig/mail/config-v1.1.xml", ctx -> xml(ctx, autoconfig));
              routes.get("/mail/config-v1.1.xml", ctx -> xml(ctx, autoconfig));
              routes.get("/openapi.yaml", ApiServer::openApi);
              routes.get("/healthz", ctx -> ClientApi.json(ctx, 200, status("ok")));
              routes.get(
                  "/readyz",
                  ctx -> {
                    boolean ready = services.ready().getAsBoolean();
                    ClientApi.json(
                        ctx, ready ? 200 : 503, status(ready ? "ready" : "database unavailable"));
                  });
              routes.get(
                  "/metrics",
                  ctx -> ctx.contentType(metrics.contentType()).result(metrics.scrape()));
              routes.exception(
                  Problem.class,
                  (problem, ctx) -> {
                    metrics.refused(problem.code());
                    if (problem.kind() == Problem.Kind.UNAUTHENTICATED) {
                      ctx.header("WWW-Authenticate", InstallationAuth.SCHEME);
                    }
                    error(ctx, STATUS.get(problem.kind()), problem.code(), problem.getMessage());
                  });
              routes.exception(
                  HttpResponseException.class,
                  (e, ctx) -> {
                    Problem problem =
                        switch (e.getStatus()) {
                          case 413 -> api.tooLarge(ctx.path(), ctx.contentLength());
                          case 404 ->
                              new Problem(
                                  Problem.Kind.NOT_FOUND,
                                  "not_found",
                                  "no such endpoint: "
                                      + ctx.method()
                                      + " "
                                      + ctx.path()
                                      + " (see /openapi.yaml)");
                          default -> null;
                        };
                    if (problem == null) {
                      error(ctx, e.getStatus(), "http_" + e.getStatus(), e.getMessage());
                    } else {
                      metrics.refused(problem.code());
                      error(ctx, STATUS.get(problem.kind()), problem.code(), problem.getMessage());
                    }
                  });
              routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                    error(
                        ctx,
                        500,
                        "internal",
                        "the server failed to handle this request; it is logged");
                  });
            });
  }

  /** Starts listening; returns once the port is bound. */
  public ApiServer start() {
    app.start();
    return this;
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return app.port();
  }

  /**
   * Stops accepting requests, lets those in flight finish (up to the grace period), then closes.
   */
  @Override
  public void close() {
    streams.close();
    app.stop();
  }

  private static io.javalin.http.Handler limited(
      RateLimiter limiter, io.javalin.http.Handler handler) {
    return ctx -> {
      long wait = limiter.acquire(ctx.ip());
      if (wait > 0) {
        ctx.header("Retry-After", String.valueOf(wait));
        throw new Problem(
            Problem.Kind.RATE_LIMITED,
            "rate_limited",
            "too many requests from " + ctx.ip() + "; retry in " + wait + " s");
      }
      handler.handle(ctx);
    };
  }

  private static String route(Context ctx) {
    try {
      return ctx.endpoint().path;
    } catch (RuntimeException unmatched) {
      return "unmatched";
    }
  }

  private static ObjectNode status(String status) {
    return ClientApi.JSON.createObjectNode().put("status", status);
  }

  private static void error(Context ctx, int status, String code, String message) {
    ClientApi.json(
        ctx, status, ClientApi.JSON.createObjectNode().put("error", code).put("message", message));
  }

  private static void xml(Context ctx, String document) {
    ctx.contentType("application/xml; charset=utf-8").result(document);
  }

  private static void openApi(Context ctx) throws IOException {
    try (InputStream in = ApiServer.class.getResourceAsStream("/openapi.yaml")) {
      ctx.contentType("application/yaml").result(in.readAllBytes());
    }
  }
}
