package org.sealpost.server.http;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Prometheus metrics of the HTTP API, served at {@code /metrics} (docs/operations.md). */
final class Metrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Histogram requests =
      Histogram.builder()
          .name("sealpost_http_request_duration_seconds")
          .help("HTTP requests by route, method and status")
          .labelNames("method", "route", "status")
          .register(registry);
  private final Counter published =
      Counter.builder()
          .name("sealpost_envelopes_published_total")
          .help("Envelopes accepted, by status (stored, queued)")
          .labelNames("status")
          .register(registry);
  private final Counter refused =
      Counter.builder()
          .name("sealpost_requests_refused_total")
          .help("Requests refused, by error code")
          .labelNames("code")
          .register(registry);
  private final Gauge streams =
      Gauge.builder().name("sealpost_inbox_streams").help("Open inbox streams").register(registry);
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  void request(String method, String route, int status, double seconds) {
    requests.labelValues(method, route, String.valueOf(status)).observe(seconds);
  }

  void published(String status) {
    published.labelValues(status).inc();
  }

  void refused(String code) {
    refused.labelValues(code).inc();
  }

  void streamOpened() {
    streams.inc();
  }

  void streamClosed() {
    streams.dec();
  }

  String contentType() {
    return writer.getContentType();
  }

  byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
