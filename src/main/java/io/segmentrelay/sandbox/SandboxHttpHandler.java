package io.segmentrelay.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Routes JDK HTTP server exchanges to the {@link SandboxEndpoints}, with or without the {@code
 * /sandbox} prefix, and carries out latency and connection drops.
 */
final class SandboxHttpHandler implements HttpHandler {

  private static final String PREFIX = "/sandbox";

  private final SandboxEndpoints endpoints;

  SandboxHttpHandler(SandboxEndpoints endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      SandboxResponse response = respond(exchange);
      if (!pause(response.latency()) || response.drop()) {
        // Closing before any header is sent makes the JDK server close the connection.
        return;
      }
      send(exchange, response);
    } finally {
      exchange.close();
    }
  }

  private SandboxResponse respond(HttpExchange exchange) throws IOException {
    byte[] body = readBody(exchange.getRequestBody());
    if (body == null) {
      return endpoints.tooLarge();
    }
    String path = exchange.getRequestURI().getPath();
    if (path.startsWith(PREFIX + "/")) {
      path = path.substring(PREFIX.length());
    }
    if (path.length() > 1 && path.endsWith("/")) {
      // analytics-java posts to /v1/import/ (trailing slash); Segment accepts both forms.
      path = path.substring(0, path.length() - 1);
    }
    return route(exchange.getRequestMethod() + " " + path, exchange, body);
  }

  private SandboxResponse route(String request, HttpExchange exchange, byte[] body) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    String kind =
        request.startsWith("POST ") ? SandboxEndpoints.ingestKind(request.substring(5)) : null;
    if (kind != null) {
      String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
      return endpoints.ingest(kind, authorization, encoding, body);
    }
    return switch (request) {
      case "GET /events" -> endpoints.events(queryParameter(exchange, "writeKey"));
      case "DELETE /events" -> endpoints.reset();
      case "GET /stats" -> endpoints.stats();
      case "POST /write-keys" -> endpoints.registerWriteKey(body);
      case "POST /faults" -> endpoints.addFault(body);
      case "DELETE /faults" -> endpoints.clearFaults();
      default -> endpoints.notFound();
    };
  }

  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(SandboxEndpoints.MAX_READ_BYTES + 1);
    return (body.length > SandboxEndpoints.MAX_READ_BYTES) ? null : body;
  }

  private static String queryParameter(HttpExchange exchange, String name) {
    String query = exchange.getRequestURI().getRawQuery();
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      String key =
          URLDecoder.decode(
              (equals < 0) ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      if (key.equals(name)) {
        return (equals < 0)
            ? ""
            : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** Parks the (virtual) handling thread; false when interrupted, i.e. the server is stopping. */
  private static boolean pause(Duration latency) {
    if (latency.isZero()) {
      return true;
    }
    try {
      Thread.sleep(latency);
      return true;
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void send(HttpExchange exchange, SandboxResponse response) throws IOException {
    byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    for (Map.Entry<String, String> header : response.headers().entrySet()) {
      exchange.getResponseHeaders().set(header.getKey(), header.getValue());
    }
    exchange.sendResponseHeaders(response.status(), (bytes.length == 0) ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
