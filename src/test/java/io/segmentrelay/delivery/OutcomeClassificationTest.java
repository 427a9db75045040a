package io.segmentrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.sandbox.FaultRule;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which answers fail at once and which are retried. */
class OutcomeClassificationTest extends DeliveryTestSupport {

  @BeforeEach
  void setUp() {
    newSetup();
  }

  @ParameterizedTest(name = "HTTP {0} fails after one attempt")
  @ValueSource(ints = {400, 401, 403, 404, 413})
  void permanent_errors_fail_after_one_attempt(int status) {
    sandbox().addFault(FaultRule.status(status).forever().forWriteKey(writeKey));
    postEvents(tenant, event("evt_p"));
    dispatcher.runDue();
    var delivery = onlyDelivery();
    assertThat(delivery.get("status").asString()).isEqualTo("failed");
    assertThat(delivery.get("attempts")).hasSize(1);
    assertThat(delivery.get("failureReason").asString()).contains(String.valueOf(status));
    clock.advance(Duration.ofDays(1));
    assertThat(dispatcher.runDue()).isZero();
  }

  @ParameterizedTest(name = "HTTP {0} is retried")
  @ValueSource(ints = {408, 429, 500, 502, 503, 504})
  void retryable_errors_are_retried(int status) {
    sandbox().addFault(FaultRule.status(status).forWriteKey(writeKey));
    postEvents(tenant, event("evt_r"));
    dispatcher.runDue();
    assertRetriedThenDelivered();
  }

  @Test
  void a_refused_connection_is_retried() {
    var refused = newIntegration(tenant, writeKey, "http://127.0.0.1:9", null);
    api.delete("/api/v1/integrations/" + integrationId, tenant.adminToken());
    integrationId = refused;
    postEvents(tenant, event("evt_c"));
    dispatcher.runDue();
    var delivery = onlyDelivery();
    assertThat(delivery.get("status").asString()).isEqualTo("pending");
    assertThat(delivery.at("/attempts/0/error").asString()).containsIgnoringCase("refused");
    assertThat(delivery.at("/attempts/0/httpStatus").isMissingNode()).isTrue();
  }

  @Test
  void a_dropped_connection_is_retried() {
    sandbox().addFault(FaultRule.dropConnection().forWriteKey(writeKey));
    postEvents(tenant, event("evt_d"));
    dispatcher.runDue();
    assertThat(onlyDelivery().at("/attempts/0/error").asString()).startsWith("Connection");
    assertRetriedThenDelivered();
  }

  @Test
  void a_read_timeout_is_retried() {
    // The relay's request timeout is 2 s in tests; the sandbox answers after 3 s.
    sandbox().addFault(FaultRule.delay(Duration.ofSeconds(3)).forWriteKey(writeKey));
    postEvents(tenant, event("evt_t"));
    dispatcher.runDue();
    assertThat(onlyDelivery().at("/attempts/0/error").asString()).contains("No response within");
    assertRetriedThenDelivered();
  }

  private void assertRetriedThenDelivered() {
    var delivery = onlyDelivery();
    assertThat(delivery.get("status").asString()).isEqualTo("pending");
    assertThat(instant(delivery.get("nextAttemptAt"))).isEqualTo(START.plus(Duration.ofMinutes(1)));
    clock.advance(Duration.ofMinutes(1));
    dispatcher.runDue();
    assertThat(onlyDelivery().get("status").asString()).isEqualTo("delivered");
  }
}
