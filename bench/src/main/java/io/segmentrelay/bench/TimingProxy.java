package io.segmentrelay.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * A pass-through in front of the sandbox, in the harness's own JVM, for the latency run. It notes
 * the {@link System#nanoTime()} at which each event's request body has fully arrived (keyed by the
 * platform event id in {@code properties.references.event_id}), then forwards the request to the
 * sandbox unchanged and returns the sandbox's answer. The harness takes the time of each ingest
 * {@code 202} on the same clock, so ingest → receipt is one subtraction on one clock.
 *
 * <p>The receipt time is taken before forwarding, so the proxy's own forwarding hop is not in the
 * measured latency (it only lengthens the relay's request, which the relay does not wait on for
 * other batches).
 */
final class TimingProxy implements AutoCloseable {

  private final HttpServer server;
  private final String target;
  final Map<String, Long> receivedAt = new ConcurrentHashMap<>();

  TimingProxy(String target) throws IOException {
    this.target = target;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      long now = System.nanoTime();
      if ("POST".equals(exchange.getRequestMethod())) {
        note(body, now);
      }
      var request =
          HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
              .timeout(Duration.ofSeconds(30))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      for (var header : new String[] {"Authorization", "Content-Type"}) {
        var value = exchange.getRequestHeaders().getFirst(header);
        if (value != null) {
          request.header(header, value);
        }
      }
      HttpResponse<byte[]> response;
      try {
        response = Http.CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(response.statusCode(), response.body().length);
      exchange.getResponseBody().write(response.body());
    }
  }

  private void note(byte[] body, long now) {
    try {
      var batch = Http.JSON.readTree(body).path("batch");
      for (var event : batch) {
        var id = event.path("properties").path("references").path("event_id").asText(null);
        if (id != null) {
          receivedAt.putIfAbsent(id, now);
        }
      }
    } catch (IOException e) {
      // not JSON: the sandbox will answer 400
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
