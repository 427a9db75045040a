package io.segmentrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.sandbox.FaultRule;
import java.time.Duration;
import java.util.ArrayList;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The seed's retry contract, with a stepped clock and the sandbox as Segment. */
class RetryScheduleTest extends DeliveryTestSupport {

  @BeforeEach
  void setUp() {
    newSetup();
  }

  @Test
  void a_sandbox_answering_503_forever_gets_nine_attempts_on_the_schedule_then_failed() {
    sandbox().addFault(FaultRule.status(503).forever().forWriteKey(writeKey));
    postEvents(tenant, event("evt_1"));
    var times = new ArrayList<Instant>();
    for (int attempt = 1; attempt <= 9; attempt++) {
      assertThat(dispatcher.runDue()).as("attempt %d runs when due", attempt).isEqualTo(1);
      times.add(clock.instant());
      var next = instant(onlyDelivery().get("nextAttemptAt"));
      if (attempt < 9) {
        assertThat(dispatcher.runDue()).as("nothing before the next attempt is due").isZero();
        clock.set(next);
      } else {
        assertThat(next).isNull();
      }
    }
    var gaps = new ArrayList<Duration>();
    for (int i = 1; i < times.size(); i++) {
      gaps.add(Duration.between(times.get(i - 1), times.get(i)));
    }
    assertThat(gaps).containsExactly(
        Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(4), Duration.ofMinutes(8),
        Duration.ofMinutes(16), Duration.ofMinutes(32), Duration.ofMinutes(64), Duration.ofHours(6));
    var delivery = onlyDelivery();
    assertThat(delivery.get("status").asString()).isEqualTo("failed");
    assertThat(delivery.get("failureReason").asString()).contains("9 attempts").contains("503");
    assertThat(delivery.get("attempts")).hasSize(9);

    clock.advance(Duration.ofDays(2));
    assertThat(dispatcher.runDue()).as("no tenth attempt").isZero();
    assertThat(sandbox().stats(writeKey).faultedRequests()).isEqualTo(9);
  }

  @Test
  void success_after_three_failures_is_delivered_and_the_sandbox_holds_it_once() {
    sandbox().addFault(FaultRule.status(500).withTimes(3).forWriteKey(writeKey));
    postEvents(tenant, event("evt_2"));
    for (int i = 0; i < 4; i++) {
      dispatcher.runDue();
      var next = instant(onlyDelivery().get("nextAttemptAt"));
      if (next != null) {
        clock.set(next);
      }
    }
    var delivery = onlyDelivery();
    assertThat(delivery.get("status").asString()).isEqualTo("delivered");
    assertThat(delivery.get("attempts")).hasSize(4);
    assertThat(sandbox().stats(writeKey).events()).isEqualTo(1);
    assertThat(sandbox().stats(writeKey).duplicates()).isZero();
  }

  @Test
  void a_429_retry_after_later_than_the_schedule_sets_the_next_attempt() {
    sandbox().addFault(FaultRule.status(429).withRetryAfter("120").forWriteKey(writeKey));
    postEvents(tenant, event("evt_3"));
    dispatcher.runDue();
    assertThat(instant(onlyDelivery().get("nextAttemptAt"))).isEqualTo(START.plusSeconds(120));
    clock.advance(Duration.ofSeconds(119));
    assertThat(dispatcher.runDue()).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(dispatcher.runDue()).isEqualTo(1);
    assertThat(onlyDelivery().get("status").asString()).isEqualTo("delivered");
  }

  @Test
  void a_429_retry_after_earlier_than_the_schedule_waits_the_minute() {
    sandbox().addFault(FaultRule.status(429).withRetryAfter("10").forWriteKey(writeKey));
    postEvents(tenant, event("evt_4"));
    dispatcher.runDue();
    assertThat(instant(onlyDelivery().get("nextAttemptAt"))).isEqualTo(START.plusSeconds(60));
  }

  @Test
  void the_attempt_log_shows_status_duration_response_and_next_attempt() {
    sandbox().addFault(FaultRule.status(503).forWriteKey(writeKey));
    postEvents(tenant, event("evt_5"));
    dispatcher.runDue();
    var attempt = onlyDelivery().get("attempts").get(0);
    assertThat(attempt.get("httpStatus").asInt()).isEqualTo(503);
    assertThat(attempt.get("durationMs").asLong()).isGreaterThanOrEqualTo(0);
    assertThat(attempt.get("responseBody").asString()).contains("injected_fault");
    assertThat(instant(attempt.get("at"))).isEqualTo(START);
    assertThat(instant(attempt.get("nextAttemptAt"))).isEqualTo(START.plusSeconds(60));
  }

  @Test
  void a_changed_write_key_applies_to_deliveries_waiting_for_a_retry() {
    var tenantKey = writeKey;
    sandbox().addFault(FaultRule.status(503).forWriteKey(tenantKey));
    postEvents(tenant, event("evt_6"));
    dispatcher.runDue();
    var newKey = newWriteKey();
    assertThat(patchIntegration(java.util.Map.of("writeKey", newKey)).status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(1));
    dispatcher.runDue();
    assertThat(onlyDelivery().get("status").asString()).isEqualTo("delivered");
    assertThat(sandbox().stats(newKey).events()).isEqualTo(1);
    assertThat(sandbox().stats(tenantKey).events()).isZero();
  }
}
