package io.segmentrelay.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** One relay process (the product jar) and the calls the benchmark makes to it. */
final class Relay implements AutoCloseable {

  final Proc proc;
  final String url;
  private final String operatorToken;

  private Relay(Proc proc, String url, String operatorToken) {
    this.proc = proc;
    this.url = url;
    this.operatorToken = operatorToken;
  }

  /**
   * Starts the relay and waits until it is healthy.
   *
   * @param datasourceUrl PostgreSQL JDBC URL, or null for the embedded H2 under {@code dataDir}
   */
  static Relay start(
      String name, Path jar, List<String> jvmArgs, Path dataDir, String datasourceUrl,
      List<String> extraEndpoints, Map<String, String> extraEnv, Path log) {
    int port = Http.freePort();
    var key = new byte[32];
    new SecureRandom().nextBytes(key);
    // The relay refuses operator tokens shorter than 32 characters.
    var tokenBytes = new byte[24];
    new SecureRandom().nextBytes(tokenBytes);
    var operatorToken = "bench-operator-" + HexFormat.of().formatHex(tokenBytes);
    var env = new HashMap<String, String>();
    env.put("SERVER_PORT", Integer.toString(port));
    env.put("RELAY_DATA_DIR", dataDir.toString());
    env.put("RELAY_MASTER_KEY", Base64.getEncoder().encodeToString(key));
    env.put("RELAY_OPERATOR_TOKEN", operatorToken);
    env.put("RELAY_SANDBOX_ENABLED", "false");
    env.put("RELAY_SEGMENT_EXTRA_ENDPOINTS", String.join(",", extraEndpoints));
    if (datasourceUrl != null) {
      env.put("SPRING_DATASOURCE_URL", datasourceUrl);
    }
    env.putAll(extraEnv);
    var proc = Proc.java(name, jvmArgs, List.of("-jar", jar.toString()), env, log, false);
    var url = "http://127.0.0.1:" + port;
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (!Http.up(url + "/actuator/health")) {
      proc.requireAlive();
      if (System.nanoTime() > deadline) {
        proc.close();
        throw new IllegalStateException(name + " not healthy after 180 s; see " + log);
      }
      Http.sleep(200);
    }
    return new Relay(proc, url, operatorToken);
  }

  /** Creates an organization, an app and a Segment integration; returns the app's ingest key. */
  String tenant(String name, String writeKey, String endpoint) {
    var org = Http.post(url + "/api/v1/organizations", operatorToken, Map.of("name", name), 201);
    var admin = org.get("adminToken").asText();
    var app = Http.post(url + "/api/v1/apps", admin, Map.of("name", name + " app"), 201);
    Http.post(
        url + "/api/v1/integrations",
        admin,
        Map.of("type", "segment", "name", name + " Segment", "writeKey", writeKey, "endpoint", endpoint),
        201);
    return app.get("ingestKey").asText();
  }

  HttpRequest ingestRequest(String ingestKey, byte[] body) {
    return HttpRequest.newBuilder(URI.create(url + "/v1/events"))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + ingestKey)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  /**
   * Sends events {@code 0..total-1} of {@code runId} in batches of {@code batch} from {@code
   * senders} concurrent senders, as fast as the relay accepts them. Every request must get 202.
   *
   * @return the {@link System#nanoTime()} of the last 202
   */
  long ingest(String ingestKey, String runId, int total, int batch, int senders) {
    var next = new AtomicInteger();
    var failure = new AtomicReference<Throwable>();
    var lastAck = new java.util.concurrent.atomic.AtomicLong();
    var threads = new ArrayList<Thread>();
    for (int s = 0; s < senders; s++) {
      threads.add(
          Thread.ofPlatform().name("ingest-" + s).start(() -> {
            while (failure.get() == null) {
              int from = next.getAndAdd(batch);
              if (from >= total) {
                return;
              }
              int to = Math.min(total, from + batch);
              try {
                var response =
                    Http.CLIENT.send(
                        ingestRequest(ingestKey, Payloads.batch(runId, from, to)),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 202) {
                  throw new IllegalStateException(
                      "ingest answered " + response.statusCode() + ": " + response.body());
                }
                lastAck.accumulateAndGet(System.nanoTime(), Math::max);
              } catch (Exception e) {
                failure.compareAndSet(null, e);
              }
            }
          }));
    }
    for (var thread : threads) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    if (failure.get() != null) {
      throw new IllegalStateException("ingest failed: " + failure.get(), failure.get());
    }
    return lastAck.get();
  }

  @Override
  public void close() {
    proc.close();
  }
}
