package io.segmentrelay.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small client for the relay's HTTP API, as a platform or an admin would call it. */
public final class Api {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http = HttpClient.newHttpClient();
  private final String baseUrl;

  public Api(int port) {
    this.baseUrl = "http://localhost:" + port;
  }

  /** A response: status, headers, body text and body as JSON (null when not JSON). */
  public record Response(int status, String contentType, String text, JsonNode json) {
    public String field(String path) {
      return json.at(path).asString();
    }
  }

  public Response get(String path, String token) {
    return send(request(path, token).GET().build());
  }

  public Response delete(String path, String token) {
    return send(request(path, token).DELETE().build());
  }

  public Response post(String path, String token, Object body) {
    return send("POST", path, token, "application/json", json(body));
  }

  public Response patch(String path, String token, Object body) {
    return send("PATCH", path, token, "application/json", json(body));
  }

  public Response send(String method, String path, String token, String contentType, String body) {
    var builder = request(path, token).method(method, HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    return send(builder.build());
  }

  /** A JSON POST with {@code authorization} as the whole Authorization header (e.g. Basic …). */
  public Response sendWithHeader(String path, String authorization, String body) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("Authorization", authorization)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build());
  }

  public static String json(Object body) {
    return body instanceof String s ? s : JSON.writeValueAsString(body);
  }

  public static JsonNode parse(String text) {
    return JSON.readTree(text);
  }

  public static Map<String, Object> map(Object... keyValues) {
    var map = new java.util.LinkedHashMap<String, Object>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return map;
  }

  private HttpRequest.Builder request(String path, String token) {
    var builder = HttpRequest.newBuilder(URI.create(baseUrl + path));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private Response send(HttpRequest request) {
    try {
      var response = http.send(request, HttpResponse.BodyHandlers.ofString());
      var contentType = response.headers().firstValue("Content-Type").orElse("");
      JsonNode json = null;
      if (contentType.contains("json") && !response.body().isEmpty()) {
        json = JSON.readTree(response.body());
      }
      return new Response(response.statusCode(), contentType, response.body(), json);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
