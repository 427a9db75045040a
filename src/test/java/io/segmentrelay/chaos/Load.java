package io.segmentrelay.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Platform traffic: senders post batches of new events, each with an id of its own, to the relays
 * in turn, and remember which ids were acknowledged with a 202. Everything else is counted by
 * kind: a refused connection (a relay that is down), a 503 (the database is down), a time-out, and
 * any other status, which no test expects.
 */
final class Load implements AutoCloseable {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

  private final List<String> relays;
  private final String ingestKey;
  private final int batch;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final Set<String> acked = ConcurrentHashMap.newKeySet();
  private final AtomicLong nextId = new AtomicLong();
  private final AtomicInteger turn = new AtomicInteger();
  private final List<Thread> senders = new ArrayList<>();
  private volatile boolean running;

  final AtomicInteger unreachable = new AtomicInteger();
  final AtomicInteger unavailable = new AtomicInteger();
  final AtomicInteger unavailableWithoutRetryAfter = new AtomicInteger();
  final AtomicInteger timedOut = new AtomicInteger();
  final List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();

  Load(List<String> relays, String ingestKey, int batch) {
    this.relays = relays;
    this.ingestKey = ingestKey;
    this.batch = batch;
  }

  void start(int senderCount) {
    running = true;
    for (int i = 0; i < senderCount; i++) {
      senders.add(Thread.ofPlatform().name("load-" + i).start(this::send));
    }
  }

  /** Stops sending and waits for the requests under way to be answered. */
  void stop() {
    running = false;
    for (var sender : senders) {
      try {
        sender.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    senders.clear();
  }

  /** The ids acknowledged so far. */
  Set<String> acked() {
    return Set.copyOf(acked);
  }

  private void send() {
    while (running) {
      var ids = new ArrayList<String>(batch);
      var body = new StringBuilder("{\"batch\":[");
      for (int i = 0; i < batch; i++) {
        long n = nextId.incrementAndGet();
        var id = "evt_" + n;
        ids.add(id);
        body.append(i == 0 ? "" : ",").append(event(id, n));
      }
      body.append("]}");
      var relay = relays.get(Math.floorMod(turn.getAndIncrement(), relays.size()));
      var request = HttpRequest.newBuilder(URI.create(relay + "/v1/events"))
          .timeout(REQUEST_TIMEOUT)
          .header("Authorization", "Bearer " + ingestKey)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
          .build();
      try {
        var response = http.send(request, HttpResponse.BodyHandlers.ofString());
        switch (response.statusCode()) {
          case 202 -> acked.addAll(ids);
          case 503 -> {
            unavailable.incrementAndGet();
            if (response.headers().firstValue("Retry-After").isEmpty()) {
              unavailableWithoutRetryAfter.incrementAndGet();
            }
            RelayProcess.pause(100);
          }
          default -> unexpected.add(response.statusCode() + " " + response.body());
        }
      } catch (HttpTimeoutException e) {
        timedOut.incrementAndGet();
      } catch (IOException e) {
        unreachable.incrementAndGet();
        RelayProcess.pause(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static String event(String id, long n) {
    return "{\"id\":\"" + id + "\",\"type\":\"response_submitted\","
        + "\"timestamp\":\"2026-05-13T10:14:00.000Z\",\"surveyId\":\"srv_1\",\"responseId\":\"resp_"
        + n + "\",\"userId\":\"user_" + (n % 200) + "\",\"anonymousId\":\"anon_" + (n % 200)
        + "\",\"traits\":{\"plan\":\"pro\"}}";
  }

  @Override
  public void close() {
    stop();
  }
}
