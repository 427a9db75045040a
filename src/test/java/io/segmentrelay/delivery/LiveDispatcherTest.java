package io.segmentrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.segmentrelay.sandbox.FaultRule;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dispatcher's own loop, running as in production: woken by ingest rather than by its poll
 * (here a minute), with integrations isolated from each other.
 */
class LiveDispatcherTest extends DeliveryTestSupport {

  @DynamicPropertySource
  static void liveDispatcher(DynamicPropertyRegistry registry) {
    registry.add("relay.delivery.enabled", () -> "true");
    registry.add("relay.delivery.poll-interval", () -> "PT1M");
  }

  @Test
  void with_a_one_minute_poll_an_event_still_arrives_within_a_few_seconds() {
    newSetup();
    long start = System.nanoTime();
    assertThat(postEvents(tenant, event("evt_fast")).status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(3)).until(() -> sandbox().stats(writeKey).events() == 1);
    System.out.printf("ingest to sandbox: %d ms%n", (System.nanoTime() - start) / 1_000_000);
    await().atMost(Duration.ofSeconds(3))
        .until(() -> onlyDelivery().get("status").asString().equals("delivered"));
  }

  @Test
  void an_integration_whose_endpoint_hangs_does_not_delay_another() {
    newSetup();
    var hangingKey = newWriteKey();
    var hanging = newIntegration(tenant, hangingKey);
    // The relay's request timeout is 2 s in tests; this endpoint never answers sooner.
    sandbox().addFault(FaultRule.delay(Duration.ofSeconds(10)).forever().forWriteKey(hangingKey));
    var healthy = integrationId;
    api.patch("/api/v1/integrations/" + healthy, tenant.adminToken(),
        java.util.Map.of("events", java.util.Map.of("flow_viewed", java.util.Map.of("enabled", false))));
    for (int i = 0; i < 6; i++) {
      postEvents(tenant, viewed("evt_hang_" + i)); // only the hanging integration takes these
    }
    await().atMost(Duration.ofSeconds(2)).until(() -> deliveries(tenant, hanging).json()
        .get("deliveries").findValuesAsString("status").contains("in_flight"));

    long start = System.nanoTime();
    postEvents(tenant, event("evt_ok"));
    await().atMost(Duration.ofSeconds(1))
        .until(() -> sandbox().stats(writeKey).events() == 1);
    System.out.printf("healthy integration beside a hanging one: %d ms%n",
        (System.nanoTime() - start) / 1_000_000);
  }

  @Test
  void a_graceful_stop_lets_the_request_in_flight_finish_and_leaves_nothing_claimed() {
    newSetup();
    postHeldBySandbox("evt_stop", Duration.ofMillis(1500));
    assertThat(onlyDelivery().get("status").asString()).isEqualTo("in_flight");
    try {
      dispatcher.stop();
      assertThat(onlyDelivery().get("status").asString()).isEqualTo("delivered");
      assertThat(sandbox().stats(writeKey).events()).isEqualTo(1);
    } finally {
      dispatcher.start();
    }
    postEvents(tenant, event("evt_after_restart"));
    await().atMost(Duration.ofSeconds(3)).until(() -> sandbox().stats(writeKey).events() == 2);
  }

  private static java.util.Map<String, Object> viewed(String id) {
    var event = event(id);
    event.put("type", "flow_viewed");
    return event;
  }
}
