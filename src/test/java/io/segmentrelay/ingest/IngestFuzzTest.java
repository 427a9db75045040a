package io.segmentrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.Api;
import io.segmentrelay.support.RelayTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Thousands of generated requests to {@code /v1/events} and {@code /v1/identify} from a fixed
 * seed, on H2 and PostgreSQL: no answer is a 5xx, health stays UP, a refused request stores
 * nothing, and every event answered 202 is stored once, listed and delivered.
 */
class IngestFuzzTest extends RelayTest {

  private static final long SEED = 20_261_208L;
  private static final int REQUESTS = Integer.getInteger("relay.fuzz.requests", 5_000);
  private static final int SENDERS = 4;

  @Autowired JdbcClient jdbc;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void no_generated_request_gets_a_5xx_or_leaves_anything_half_stored() throws Exception {
    var tenant = newTenant();
    var integrationId = newIntegration(tenant, newWriteKey());
    var requests = new FuzzRequests(SEED);
    var accepted = ConcurrentHashMap.<String>newKeySet();
    var statuses = new ConcurrentSkipListMap<Integer, Integer>();
    var serverErrors = new ConcurrentLinkedQueue<String>();
    var sent = new AtomicInteger();
    // A few senders at once, like a platform's: the order among them does not matter here.
    var senders = Executors.newFixedThreadPool(SENDERS);
    var running = new ArrayList<Future<Void>>();
    try {
      for (int s = 0; s < SENDERS; s++) {
        running.add(senders.submit(() -> {
          for (int i = sent.getAndIncrement(); i < REQUESTS; i = sent.getAndIncrement()) {
            var request = requests.next();
            var response = send(tenant.ingestKey(), request);
            statuses.merge(response.statusCode(), 1, Integer::sum);
            if (response.statusCode() >= 500) {
              serverErrors.add(request.path() + " " + response.statusCode() + " "
                  + response.body());
            } else if (response.statusCode() == 202) {
              accepted.addAll(eventIds(request.body()));
            }
            if (i % 1000 == 999) {
              assertThat(api.get("/actuator/health", null).text()).contains("\"UP\"");
            }
          }
          return null;
        }));
      }
      for (var sender : running) {
        sender.get(5, TimeUnit.MINUTES);
      }
    } finally {
      senders.shutdownNow();
    }

    assertThat(serverErrors).as("statuses %s", statuses).isEmpty();
    assertThat(statuses.keySet()).as("statuses %s", statuses).contains(202, 400);
    assertThat(accepted).hasSizeGreaterThan(REQUESTS / 2);
    assertThat(storedEventIds(tenant.appId())).isEqualTo(accepted);
    deliverAll(integrationId);
    assertThat(deliveredEventIds(integrationId)).isEqualTo(accepted);
    var listed = deliveries(tenant, integrationId);
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.json().get("deliveries")).hasSize(Math.min(500, accepted.size()));
    assertThat(api.get("/actuator/health", null).text()).contains("\"UP\"");
  }

  private HttpResponse<String> send(String key, FuzzRequests.Request request) throws Exception {
    var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + request.path()))
        .header("Authorization", "Bearer " + key)
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
    if (request.contentType() != null) {
      builder.header("Content-Type", request.contentType());
    }
    if (request.contentEncoding() != null) {
      builder.header("Content-Encoding", request.contentEncoding());
    }
    return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The ids of the events of an accepted body, read the way the relay reads it. */
  private Set<String> eventIds(byte[] body) {
    JsonNode tree = json.readTree(body);
    var ids = new HashSet<String>();
    var events = tree.has("batch") ? tree.get("batch") : json.createArrayNode().add(tree);
    events.forEach(event -> ids.add(event.get("id").asString()));
    return ids;
  }

  private Set<String> storedEventIds(String appId) {
    return new HashSet<>(jdbc.sql("SELECT event_id FROM events WHERE app_id = ?").param(appId)
        .query(String.class).list());
  }

  private void deliverAll(String integrationId) {
    for (int round = 0; round < 40 && waiting(integrationId) > 0; round++) {
      dispatcher.runDue();
      clock.advance(Duration.ofHours(7));
    }
  }

  private long waiting(String integrationId) {
    return jdbc.sql("SELECT COUNT(*) FROM deliveries d JOIN delivery_groups g ON g.id = d.group_id"
            + " WHERE d.integration_id = ? AND g.status IN ('pending', 'in_flight')")
        .param(integrationId).query(Long.class).single();
  }

  private Set<String> deliveredEventIds(String integrationId) {
    Map<String, String> failures = new TreeMap<>();
    jdbc.sql("SELECT d.event_id, g.failure_reason FROM deliveries d"
            + " JOIN delivery_groups g ON g.id = d.group_id"
            + " WHERE d.integration_id = ? AND g.status <> 'delivered'")
        .param(integrationId)
        .query((rs, n) -> failures.put(rs.getString(1), String.valueOf(rs.getString(2))))
        .list();
    assertThat(failures).as("deliveries not delivered").isEmpty();
    return new HashSet<>(jdbc.sql("SELECT event_id FROM deliveries WHERE integration_id = ?")
        .param(integrationId).query(String.class).list());
  }
}
