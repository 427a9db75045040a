package io.segmentrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Deliveries accepted by this node go from ingest straight to its dispatcher: committed in flight
 * under this node's lease, sent without a claim, and as durable as a claimed delivery.
 */
class HandoffTest extends DeliveryTestSupport {

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    liveDispatcherWithOneSlot(registry);
  }

  @Test
  void a_handed_over_delivery_is_committed_in_flight_and_goes_back_to_the_queue_on_stop() {
    newSetup();
    postHeldBySandbox("evt_sending", Duration.ofMillis(1500));

    // The one slot is busy: this delivery waits in memory, already leased to this node.
    assertThat(postEvents(tenant, event("evt_waiting")).status()).isEqualTo(202);
    assertThat(status("evt_waiting")).isEqualTo("in_flight");
    assertThat(delivery("evt_waiting").get("attempts")).isEmpty();

    try {
      dispatcher.stop();
      assertThat(status("evt_sending")).isEqualTo("delivered");
      assertThat(status("evt_waiting")).isEqualTo("pending");
      assertThat(receivedEventIds()).containsExactly("evt_sending");
    } finally {
      dispatcher.start();
    }
    await().atMost(Duration.ofSeconds(3)).until(() -> status("evt_waiting").equals("delivered"));
    assertThat(receivedEventIds()).containsExactlyInAnyOrder("evt_sending", "evt_waiting");
    assertThat(delivery("evt_waiting").get("attempts")).hasSize(1);
  }

  @Test
  void beyond_the_hand_off_limit_deliveries_queue_for_a_claim_and_all_arrive_once() {
    newSetup();
    // Long enough for the five requests below to be accepted while the one slot is busy.
    postHeldBySandbox("evt_first", Duration.ofSeconds(3));
    for (int i = 0; i < 5; i++) {
      postEvents(tenant, batchOf("evt_b" + i + "_", 20));
    }
    // The limit is 50: evt_first and the first two requests (41) were handed over. The third
    // waited for room (PT0.25S by default), in vain while the slot is busy; it and the two after
    // it, which no longer wait for a send that stalled, left their deliveries in the queue.
    var statuses = allDeliveries().stream().map(d -> d.get("status").asString()).toList();
    assertThat(statuses).filteredOn("in_flight"::equals).hasSize(41);
    assertThat(statuses).filteredOn("pending"::equals).hasSize(60);
    // Only the third request waited: the wait ran out, and the next two did not wait at all.
    assertThat(api.get("/actuator/prometheus", null).text())
        .contains("relay_ingest_handoff_wait_seconds_count{outcome=\"run_out\"} 1\n")
        .contains("relay_ingest_handoff_wait_seconds_count{outcome=\"room\"} 0\n");

    await().atMost(Duration.ofSeconds(10)).until(() -> sandbox().stats(writeKey).events() == 101);
    var stats = sandbox().stats(writeKey);
    assertThat(stats.duplicates()).isZero();
    // One slot: evt_first, then the 40 handed over in one request, the 60 claimed in another.
    assertThat(stats.requests()).isEqualTo(3);
    await().atMost(Duration.ofSeconds(2)).until(() -> allDeliveries().stream()
        .allMatch(d -> d.get("status").asString().equals("delivered")));
  }

}
