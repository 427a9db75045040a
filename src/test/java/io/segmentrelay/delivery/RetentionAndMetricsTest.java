package io.segmentrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Retention of finished deliveries and the delivery metrics. */
class RetentionAndMetricsTest extends DeliveryTestSupport {

  @Autowired RetentionJob retention;
  @Autowired DeliveryMetrics metrics;
  @Autowired JdbcClient jdbc;

  @BeforeEach
  void setUp() {
    newSetup();
  }

  @Test
  void delivered_events_are_purged_after_seven_days_and_failed_ones_after_thirty() {
    postEvents(tenant, event("evt_ok"));
    dispatcher.runDue();
    patchIntegration(Map.of("writeKey", "wk_unknown_to_segment"));
    postEvents(tenant, event("evt_bad"));
    dispatcher.runDue();
    assertThat(allDeliveries()).hasSize(2);
    long ok = seqOf("evt_ok");
    long bad = seqOf("evt_bad");
    // The attempt that delivered evt_ok is kept in its row; evt_bad's failed one is logged.
    assertThat(attempts(ok)).isZero();
    assertThat(allDeliveries()).allSatisfy(d -> assertThat(d.get("attempts")).hasSize(1));
    assertThat(attempts(bad)).isEqualTo(1);

    clock.advance(Duration.ofDays(7).minusMinutes(1));
    retention.purge();
    assertThat(allDeliveries()).hasSize(2);

    clock.advance(Duration.ofMinutes(2));
    retention.purge();
    assertThat(allDeliveries()).extracting(d -> d.get("eventId").asString()).containsExactly("evt_bad");
    assertThat(attempts(bad)).isEqualTo(1);
    assertThat(storedRows()).isEqualTo(1);

    clock.advance(Duration.ofDays(23));
    retention.purge();
    assertThat(allDeliveries()).isEmpty();
    assertThat(attempts(bad)).isZero();
    assertThat(storedRows()).isZero();
  }

  private java.util.List<String> acceptedEventIds() {
    return jdbc.sql("SELECT event_id FROM events WHERE app_id = ? ORDER BY seq")
        .param(tenant.appId()).query(String.class).list();
  }

  /** Delivery rows of the integration, whether or not a group still holds them. */
  private long storedRows() {
    return jdbc.sql("SELECT COUNT(*) FROM deliveries WHERE integration_id = ?")
        .param(integrationId).query(Long.class).single();
  }

  @Test
  void accepted_event_ids_are_kept_as_long_as_failed_deliveries_then_purged_oldest_first() {
    postEvents(tenant, event("evt_first"));
    clock.advance(Duration.ofDays(20));
    postEvents(tenant, event("evt_second"));
    dispatcher.runDue();

    clock.advance(Duration.ofDays(10).minusMinutes(1));
    retention.purge();
    assertThat(acceptedEventIds()).containsExactly("evt_first", "evt_second");

    clock.advance(Duration.ofMinutes(2));
    retention.purge();
    assertThat(acceptedEventIds()).containsExactly("evt_second");
    // Past its idempotency window, the same id is a new event.
    assertThat(postEvents(tenant, event("evt_first")).json().get("duplicates").asInt()).isZero();
    assertThat(acceptedEventIds()).containsExactly("evt_second", "evt_first");
  }

  @Test
  void deleting_an_integration_deletes_its_deliveries_groups_and_attempts() {
    patchIntegration(Map.of("writeKey", "wk_unknown_to_segment"));
    postEvents(tenant, batchOf("evt_gone_", 3));
    dispatcher.runDue();
    long bad = seqOf("evt_gone_0");
    assertThat(attempts(bad)).isEqualTo(1);

    assertThat(api.delete("/api/v1/integrations/" + integrationId, tenant.adminToken()).status())
        .isEqualTo(204);

    for (var table : new String[] {"deliveries", "delivery_groups"}) {
      assertThat(jdbc.sql("SELECT COUNT(*) FROM " + table + " WHERE integration_id = ?")
          .param(integrationId).query(Long.class).single()).as(table).isZero();
    }
    assertThat(attempts(bad)).isZero();
  }

  @Test
  void waiting_deliveries_are_never_purged() {
    pauseAndPost();
    clock.advance(Duration.ofDays(60));
    retention.purge();
    assertThat(onlyDelivery().get("status").asString()).isEqualTo("held");
  }

  @Test
  void prometheus_shows_outcomes_attempts_queue_depth_and_latency() {
    postEvents(tenant, event("evt_m"));
    clock.advance(Duration.ofMillis(40));
    dispatcher.runDue();
    metrics.refreshDepth();

    var text = api.get("/actuator/prometheus", null).text();
    assertThat(text)
        .contains("relay_deliveries_total{outcome=\"delivered\"}")
        .contains("relay_delivery_attempts_total{status_class=\"2xx\"}")
        .contains("relay_queue_depth{status=\"delivered\"}")
        .contains("relay_delivery_latency_seconds_bucket");
    assertThat(api.get("/actuator/health", null).text()).contains("\"UP\"");
  }

  private void pauseAndPost() {
    api.post("/api/v1/integrations/" + integrationId + "/pause", tenant.adminToken(), Map.of());
    postEvents(tenant, event("evt_held"));
  }

  private long seqOf(String eventId) {
    return jdbc.sql("SELECT seq FROM deliveries WHERE integration_id = ? AND event_id = ?")
        .params(integrationId, eventId).query(Long.class).single();
  }

  /** Rows of the attempt log for the delivery, also after the delivery itself was purged. */
  private long attempts(long deliverySeq) {
    return jdbc.sql("SELECT COUNT(*) FROM delivery_attempts WHERE delivery_id = ?")
        .param(deliveryIds.computeIfAbsent(deliverySeq, seq -> jdbc
            .sql("SELECT id FROM deliveries WHERE seq = ?").param(seq).query(String.class).single()))
        .query(Long.class).single();
  }

  private final java.util.Map<Long, String> deliveryIds = new java.util.HashMap<>();
}
