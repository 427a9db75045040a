package io.segmentrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With the hand-off full, ingest waits for sending to make room rather than queueing: under a
 * flood it accepts no faster than the node sends, and every delivery skips the claim.
 */
class HandoffWaitTest extends DeliveryTestSupport {

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    liveDispatcherWithOneSlot(registry);
    // Far above the sandbox's hold of a request below: the wait ends because room was made.
    registry.add("relay.delivery.handoff-wait", () -> "PT10S");
  }

  @Test
  void with_the_hand_off_full_ingest_waits_for_room_and_its_deliveries_are_handed_over_too() {
    newSetup();
    postHeldBySandbox("evt_first", Duration.ofMillis(500));
    postEvents(tenant, batchOf("evt_a", 20));
    postEvents(tenant, batchOf("evt_b", 20));

    // 41 wait in memory or are being sent; 10 more would pass the limit of 50. The request waits
    // until evt_first's answer makes room (40 + 10), then hands its deliveries over as well.
    assertThat(postEvents(tenant, batchOf("evt_c", 10)).status()).isEqualTo(202);
    assertThat(status("evt_first")).isEqualTo("delivered");
    var waited = IntStream.range(0, 10).mapToObj(i -> status("evt_c" + i)).toList();
    assertThat(waited).allMatch(s -> s.equals("in_flight") || s.equals("delivered"));

    await().atMost(Duration.ofSeconds(10)).until(() -> allDeliveries().stream()
        .allMatch(d -> d.get("status").asString().equals("delivered")));
    assertThat(allDeliveries()).hasSize(51).allMatch(d -> d.get("attempts").size() == 1);
    assertThat(sandbox().stats(writeKey).events()).isEqualTo(51);
    assertThat(sandbox().stats(writeKey).duplicates()).isZero();
    assertThat(api.get("/actuator/prometheus", null).text())
        .contains("relay_ingest_handoff_wait_seconds_count{outcome=\"room\"} 1\n")
        .contains("relay_ingest_handoff_wait_seconds_count{outcome=\"run_out\"} 0\n")
        .contains("relay_handoff_deliveries 0.0");
  }
}
