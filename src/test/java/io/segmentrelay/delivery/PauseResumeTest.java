package io.segmentrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.sandbox.FaultRule;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pause and resume, a wrong write key fixed and replayed. */
class PauseResumeTest extends DeliveryTestSupport {

  @BeforeEach
  void setUp() {
    newSetup();
  }

  @Test
  void events_posted_while_paused_are_held_and_resume_delivers_them_in_order() {
    pause();
    postEvents(tenant, batchOf("evt_", 3));
    postEvents(tenant, event("evt_3"));
    assertThat(dispatcher.runDue()).isZero();
    assertThat(sandbox().stats(writeKey).requests()).isZero();
    var view = api.get("/api/v1/integrations/" + integrationId, tenant.adminToken()).json();
    assertThat(view.get("status").asString()).isEqualTo("paused");
    assertThat(view.get("heldCount").asLong()).isEqualTo(4);

    var resumed = api.post(base() + "/resume", tenant.adminToken(), Map.of());
    assertThat(resumed.json().get("status").asString()).isEqualTo("active");
    dispatcher.runDue();
    assertThat(receivedEventIds()).containsExactly("evt_0", "evt_1", "evt_2", "evt_3");
  }

  @Test
  void retries_that_fall_due_while_paused_are_held_too() {
    sandbox().addFault(FaultRule.status(503).forWriteKey(writeKey));
    postEvents(tenant, event("evt_r"));
    dispatcher.runDue();
    pause();
    clock.advance(Duration.ofMinutes(5));
    assertThat(dispatcher.runDue()).isZero();
    assertThat(onlyDelivery().get("status").asString()).isEqualTo("held");
    api.post(base() + "/resume", tenant.adminToken(), Map.of("held", "deliver"));
    dispatcher.runDue();
    assertThat(onlyDelivery().get("status").asString()).isEqualTo("delivered");
  }

  @Test
  void a_pause_while_a_request_is_out_holds_its_retry() throws Exception {
    sandbox().addFault(FaultRule.status(503).withLatency(Duration.ofMillis(700)).forWriteKey(writeKey));
    postEvents(tenant, event("evt_out"));
    var run = java.util.concurrent.CompletableFuture.runAsync(dispatcher::runDue);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(3))
        .until(() -> onlyDelivery().get("status").asString().equals("in_flight"));
    pause();
    run.get();
    var delivery = onlyDelivery();
    assertThat(delivery.get("status").asString()).isEqualTo("held");
    assertThat(delivery.get("attempts")).hasSize(1);
    api.post(base() + "/resume", tenant.adminToken(), Map.of());
    dispatcher.runDue();
    assertThat(onlyDelivery().get("status").asString()).isEqualTo("delivered");
  }

  @Test
  void resume_with_discard_delivers_none_of_the_held_events() {
    pause();
    postEvents(tenant, batchOf("evt_", 2));
    api.post(base() + "/resume", tenant.adminToken(), Map.of("held", "discard"));
    dispatcher.runDue();
    assertThat(sandbox().stats(writeKey).requests()).isZero();
    assertThat(allDeliveries()).allSatisfy(d -> assertThat(d.get("status").asString()).isEqualTo("discarded"));
    postEvents(tenant, event("evt_after"));
    dispatcher.runDue();
    assertThat(receivedEventIds()).containsExactly("evt_after");
  }

  @Test
  void resume_rejects_an_unknown_choice() {
    var response = api.post(base() + "/resume", tenant.adminToken(), Map.of("held", "drop"));
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().findValuesAsString("field")).containsExactly("held");
  }

  @Test
  void a_wrong_write_key_fails_the_events_and_after_the_fix_replay_delivers_them() {
    assertThat(patchIntegration(Map.of("writeKey", "wk_unknown_to_segment")).status()).isEqualTo(200);
    postEvents(tenant, batchOf("evt_", 2));
    dispatcher.runDue();
    assertThat(allDeliveries()).allSatisfy(d -> {
      assertThat(d.get("status").asString()).isEqualTo("failed");
      assertThat(d.get("failureReason").asString()).contains("401").contains("Write Key");
    });

    patchIntegration(Map.of("writeKey", writeKey));
    var replay = api.post(base() + "/replay", tenant.adminToken(), Map.of("status", "failed"));
    assertThat(replay.json().get("replayed").asInt()).isEqualTo(2);
    dispatcher.runDue();
    assertThat(allDeliveries()).allSatisfy(d -> assertThat(d.get("status").asString()).isEqualTo("delivered"));
    assertThat(receivedEventIds()).containsExactlyInAnyOrder("evt_0", "evt_1");
  }

  @Test
  void one_delivery_can_be_retried_and_replay_honours_the_time_range() {
    patchIntegration(Map.of("writeKey", "wk_unknown_to_segment"));
    postEvents(tenant, event("evt_early"));
    clock.advance(Duration.ofHours(1));
    postEvents(tenant, event("evt_late"));
    dispatcher.runDue();
    patchIntegration(Map.of("writeKey", writeKey));

    var replay = api.post(base() + "/replay", tenant.adminToken(),
        Map.of("since", START.plus(Duration.ofMinutes(30)).toString()));
    assertThat(replay.json().get("replayed").asInt()).isEqualTo(1);
    dispatcher.runDue();
    assertThat(receivedEventIds()).containsExactly("evt_late");

    var early = allDeliveries().stream()
        .filter(d -> d.get("eventId").asString().equals("evt_early")).findFirst().orElseThrow();
    var retried = api.post(base() + "/deliveries/" + early.get("id").asString() + "/retry",
        tenant.adminToken(), Map.of());
    assertThat(retried.json().get("status").asString()).isEqualTo("pending");
    dispatcher.runDue();
    assertThat(receivedEventIds()).containsExactly("evt_late", "evt_early");
  }

  @Test
  void retrying_one_delivery_of_a_request_resends_only_it_and_its_neighbours_stay_delivered() {
    postEvents(tenant, batchOf("evt_n", 3));
    dispatcher.runDue();
    var middle = allDeliveries().stream()
        .filter(d -> d.get("eventId").asString().equals("evt_n1")).findFirst().orElseThrow();

    clock.advance(Duration.ofMinutes(5));
    var retried = api.post(base() + "/deliveries/" + middle.get("id").asString() + "/retry",
        tenant.adminToken(), Map.of());
    assertThat(retried.json().get("status").asString()).isEqualTo("pending");
    var statuses = new java.util.HashMap<String, String>();
    allDeliveries().forEach(d -> statuses.put(d.get("eventId").asString(), d.get("status").asString()));
    assertThat(statuses).containsEntry("evt_n0", "delivered").containsEntry("evt_n1", "pending")
        .containsEntry("evt_n2", "delivered");
    dispatcher.runDue();

    assertThat(receivedEventIds()).containsExactly("evt_n0", "evt_n1", "evt_n2", "evt_n1");
    for (var d : allDeliveries()) {
      assertThat(d.get("status").asString()).isEqualTo("delivered");
      // The neighbours keep their one attempt; the retried one has both.
      assertThat(d.get("attempts")).hasSize(d.get("eventId").asString().equals("evt_n1") ? 2 : 1);
    }
  }

  @Test
  void a_delivered_delivery_sent_again_keeps_the_attempt_that_delivered_it_first() {
    postEvents(tenant, event("evt_twice"));
    dispatcher.runDue();
    var first = onlyDelivery().get("attempts");
    assertThat(first).hasSize(1);
    assertThat(first.get(0).get("httpStatus").asInt()).isEqualTo(200);

    clock.advance(Duration.ofMinutes(5));
    var retried = api.post(base() + "/deliveries/" + onlyDelivery().get("id").asString() + "/retry",
        tenant.adminToken(), Map.of());
    assertThat(retried.json().get("attempts")).hasSize(1);
    dispatcher.runDue();

    var delivery = onlyDelivery();
    assertThat(delivery.get("status").asString()).isEqualTo("delivered");
    var attempts = delivery.get("attempts");
    assertThat(attempts).hasSize(2);
    assertThat(attempts.get(0).get("at").asString()).isEqualTo(first.get(0).get("at").asString());
    assertThat(instant(attempts.get(1).get("at"))).isEqualTo(START.plus(Duration.ofMinutes(5)));
    assertThat(attempts.findValuesAsString("httpStatus")).containsExactly("200", "200");
    assertThat(receivedEventIds()).containsExactly("evt_twice", "evt_twice");
  }

  private void pause() {
    var paused = api.post(base() + "/pause", tenant.adminToken(), Map.of());
    assertThat(paused.status()).isEqualTo(200);
  }

  private String base() {
    return "/api/v1/integrations/" + integrationId;
  }
}
