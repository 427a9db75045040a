package io.segmentrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.sandbox.FaultRule;
import io.segmentrelay.support.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.node.ObjectNode;

/** Requests to /v1/batch, preflight and splitting, and the frozen payload. */
class BatchingTest extends DeliveryTestSupport {

  @Autowired JdbcClient jdbc;

  @BeforeEach
  void setUp() {
    newSetup();
  }

  @Test
  void events_go_to_v1_batch_in_one_request_with_basic_auth() {
    postEvents(tenant, batchOf("evt_", 50));
    dispatcher.runDue();
    var stats = sandbox().stats(writeKey);
    assertThat(stats.events()).isEqualTo(50);
    assertThat(stats.requests()).isEqualTo(1);
    assertThat(receivedEventIds()).hasSize(50).doesNotHaveDuplicates();
  }

  @Test
  void the_deliveries_of_one_ingest_request_go_in_one_request_to_segment() {
    // Four ingest requests of ten events of about 20 KB: 800 KB, two requests of at most 500 KB.
    // Filled event by event, the first request would take 24 events and part the third group.
    for (int r = 0; r < 4; r++) {
      var events = new ArrayList<Object>();
      for (int i = 0; i < 10; i++) {
        var e = event("evt_" + r + "_" + i);
        e.put("traits", Map.of("blob", "x".repeat(20 * 1024)));
        events.add(e);
      }
      assertThat(postEvents(tenant, Map.of("batch", events)).status()).isEqualTo(202);
    }

    dispatcher.runDue();

    assertThat(sandbox().stats(writeKey).requests()).isEqualTo(2);
    for (var body : sandbox().requestBodies(writeKey)) {
      var requests = new HashSet<String>();
      Api.parse(body).get("batch").forEach(e ->
          requests.add(e.at("/properties/references/event_id").asString().split("_")[1]));
      assertThat(requests).as("ingest requests in one request to Segment").hasSize(2);
    }
    assertThat(allDeliveries()).hasSize(40)
        .allSatisfy(d -> assertThat(d.get("status").asString()).isEqualTo("delivered"));
    assertThat(jdbc.sql("SELECT COUNT(*) FROM delivery_groups WHERE integration_id = ?")
            .param(integrationId).query(Long.class).single())
        .as("no group was parted").isEqualTo(4);
  }

  @Test
  void one_bad_event_in_a_batch_of_ten_fails_alone_and_its_neighbours_are_delivered() {
    postEvents(tenant, batchOf("evt_", 10));
    var bad = allDeliveries().stream()
        .filter(d -> d.get("eventId").asString().equals("evt_4")).findFirst().orElseThrow();
    sandbox().addFault(FaultRule.status(400).forever().forWriteKey(writeKey)
        .forMessageId(bad.get("messageId").asString()));

    dispatcher.runDue();

    var statuses = new java.util.HashMap<String, String>();
    allDeliveries().forEach(d -> statuses.put(d.get("eventId").asString(), d.get("status").asString()));
    assertThat(statuses.values().stream().filter("delivered"::equals)).hasSize(9);
    assertThat(statuses.get("evt_4")).isEqualTo("failed");
    var failed = allDeliveries().stream()
        .filter(d -> d.get("eventId").asString().equals("evt_4")).findFirst().orElseThrow();
    assertThat(failed.get("failureReason").asString()).contains("400");
    assertThat(sandbox().stats(writeKey).events()).isEqualTo(9);
    assertThat(new HashSet<>(receivedEventIds())).doesNotContain("evt_4").hasSize(9);
  }

  @Test
  void an_event_over_32_kb_fails_preflight_and_no_request_is_sent() {
    var big = event("evt_big");
    // The platform's own references are sent whole (traits would be trimmed to fit).
    big.put("references", Map.of("blob", "x".repeat(40 * 1024)));
    assertThat(postEvents(tenant, big).status()).isEqualTo(202);
    dispatcher.runDue();
    var delivery = onlyDelivery();
    assertThat(delivery.get("status").asString()).isEqualTo("failed");
    assertThat(delivery.get("failureReason").asString()).contains("32 KB");
    assertThat(delivery.get("attempts")).isEmpty();
    assertThat(sandbox().stats(writeKey).requests()).isZero();
    assertThat(sandbox().requestBodies(writeKey)).isEmpty();
  }

  @Test
  void every_attempt_sends_the_same_json_except_sent_at() {
    sandbox().addFault(FaultRule.status(503).withTimes(2).forWriteKey(writeKey));
    postEvents(tenant, event("evt_same"));
    for (int i = 0; i < 3; i++) {
      dispatcher.runDue();
      clock.advance(Duration.ofMinutes(2));
    }
    var bodies = sandbox().requestBodies(writeKey);
    assertThat(bodies).hasSize(3);
    var sentAts = new HashSet<String>();
    var withoutSentAt = new HashSet<String>();
    for (var body : bodies) {
      var json = (ObjectNode) Api.parse(body);
      sentAts.add(json.remove("sentAt").asString());
      var event = (ObjectNode) json.get("batch").get(0);
      assertThat(event.get("sentAt").asString()).isIn(sentAts);
      event.remove("sentAt");
      withoutSentAt.add(json.toString());
    }
    assertThat(sentAts).as("sentAt changes per attempt").hasSize(3);
    assertThat(withoutSentAt).as("the rest is identical").hasSize(1);
    assertThat(onlyDelivery().get("status").asString()).isEqualTo("delivered");
  }
}
