package io.segmentrelay.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A small client for talking to the sandbox over real HTTP in tests. */
final class SandboxHttp {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final String baseUrl;

  SandboxHttp(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** POSTs {@code body} with Basic auth for {@code writeKey}, or without auth when it is null. */
  HttpResponse<String> post(String path, String writeKey, String body) {
    try {
      return postOrThrow(path, writeKey, body);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** Like {@link #post} but lets connection failures through, for drop tests. */
  HttpResponse<String> postOrThrow(String path, String writeKey, String body) throws IOException {
    return postOrThrow(path, writeKey, body, "application/json");
  }

  /** Like {@link #postOrThrow(String, String, String)} with another Content-Type. */
  HttpResponse<String> postOrThrow(String path, String writeKey, String body, String contentType)
      throws IOException {
    HttpRequest.Builder request =
        request(path)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (writeKey != null) {
      request.header("Authorization", basic(writeKey));
    }
    return send(request.build());
  }

  HttpResponse<String> get(String path) {
    return sendUnchecked(request(path).GET().build());
  }

  HttpResponse<String> delete(String path) {
    return sendUnchecked(request(path).DELETE().build());
  }

  static String basic(String writeKey) {
    return "Basic "
        + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
  }

  /** A valid track event as JSON. */
  static String track(String messageId) {
    return """
    {"type":"track","event":"Response Submitted","userId":"user_123","anonymousId":"anon_abc",\
    "messageId":"%s","timestamp":"2026-05-13T10:14:00.000Z","properties":{"survey_id":"srv_1"}}\
    """
        .formatted(messageId);
  }

  /** A batch body holding {@code events} (each already JSON). */
  static String batch(String... events) {
    return "{\"batch\":[" + String.join(",", events) + "],\"sentAt\":\"2026-05-13T10:14:01.000Z\"}";
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10));
  }

  private HttpResponse<String> sendUnchecked(HttpRequest request) {
    try {
      return send(request);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  private static HttpResponse<String> send(HttpRequest request) throws IOException {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", ex);
    }
  }
}
