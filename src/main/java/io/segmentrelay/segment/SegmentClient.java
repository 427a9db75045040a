package io.segmentrelay.segment;

import io.segmentrelay.system.RelayProperties;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Component;

/**
 * Posts batches to Segment's HTTP Tracking API ({@code {endpoint}/v1/batch}) with the write key as
 * the Basic auth user name. Never throws for a failed request: every outcome is a {@link
 * SegmentResponse} the caller classifies.
 */
@Component
public class SegmentClient {

  private static final int MAX_BODY_SNIPPET = 1024;

  /** The most of a response body that is read; the rest is discarded unread. */
  static final int MAX_RESPONSE_BYTES = 64 * 1024;

  private final HttpClient http;
  private final Duration requestTimeout;
  private final Clock clock;
  private final String userAgent;
  private final SegmentEndpoints endpoints;

  SegmentClient(RelayProperties properties, Clock clock, SegmentEndpoints endpoints) {
    this.endpoints = endpoints;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    this.requestTimeout = properties.delivery().requestTimeout();
    this.clock = clock;
    this.userAgent = "segment-relay/" + properties.version();
  }

  /** Posts {@code body} to {@code endpoint + "/v1/batch"} (the built-in sandbox resolved now). */
  public SegmentResponse postBatch(String endpoint, String writeKey, byte[] body) {
    var base = endpoints.baseUrl(endpoint);
    if (base == null) {
      // Retried like a network failure: the operator may turn the sandbox back on.
      return failure("The built-in sandbox is turned off on this relay", System.nanoTime());
    }
    var request =
        HttpRequest.newBuilder(URI.create(base + "/v1/batch"))
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", userAgent)
            .header("Authorization", basic(writeKey))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    long start = System.nanoTime();
    var sending = http.sendAsync(request, info -> new LimitedBody(MAX_RESPONSE_BYTES));
    try {
      // The body, too, must arrive within the timeout: a server may drip it out slowly.
      var response = sending.get(requestTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      return new SegmentResponse(
          response.statusCode(),
          snippet(response.body()),
          retryAfter(response.headers().firstValue("Retry-After").orElse(null)),
          null,
          millisSince(start));
    } catch (TimeoutException e) {
      sending.cancel(true);
      return failure("No response within " + requestTimeout.toMillis() + " ms", start);
    } catch (ExecutionException e) {
      return failure(e.getCause() == null ? e : e.getCause(), start);
    } catch (InterruptedException e) {
      sending.cancel(true);
      Thread.currentThread().interrupt();
      return failure("Interrupted while sending (relay shutting down)", start);
    }
  }

  private SegmentResponse failure(Throwable cause, long start) {
    try {
      throw cause;
    } catch (HttpConnectTimeoutException e) {
      return failure("Connection timed out", start);
    } catch (HttpTimeoutException e) {
      return failure("No response within " + requestTimeout.toMillis() + " ms", start);
    } catch (ConnectException e) {
      return failure("Connection refused or unreachable", start);
    } catch (Throwable e) {
      return failure("Connection failed: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()), start);
    }
  }

  private static String basic(String writeKey) {
    var credentials = (writeKey + ":").getBytes(StandardCharsets.UTF_8);
    return "Basic " + Base64.getEncoder().encodeToString(credentials);
  }

  private Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
    } catch (NumberFormatException e) {
      try {
        var at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        var wait = Duration.between(clock.instant(), at.toInstant());
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (RuntimeException ignored) {
        return null;
      }
    }
  }

  private static String snippet(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    var text = new String(body, 0, Math.min(body.length, MAX_BODY_SNIPPET), StandardCharsets.UTF_8);
    return text;
  }

  private static SegmentResponse failure(String error, long start) {
    return new SegmentResponse(0, null, null, error, millisSince(start));
  }

  private static long millisSince(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
  }
}
