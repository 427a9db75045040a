package io.segmentrelay.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class FaultRuleTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void reads_every_field_from_json() {
    FaultRule rule =
        FaultRule.fromJson(
            json(
                """
                {"status":429,"retryAfter":"30","latencyMs":50,"times":3,"writeKey":"k","messageId":"m"}\
                """));

    assertThat(rule).isEqualTo(new FaultRule(429, "30", 50, false, 3, "k", "m"));
  }

  @Test
  void applies_once_by_default() {
    assertThat(FaultRule.fromJson(json("{\"status\":503}")).times()).isEqualTo(1);
  }

  @Test
  void accepts_retry_after_given_as_a_number_of_seconds() {
    assertThat(FaultRule.fromJson(json("{\"status\":429,\"retryAfter\":60}")).retryAfter())
        .isEqualTo("60");
  }

  @Test
  void accepts_a_drop_without_a_status() {
    FaultRule rule = FaultRule.fromJson(json("{\"drop\":true,\"times\":0}"));

    assertThat(rule.rejects()).isTrue();
    assertThat(rule.times()).isZero();
  }

  @Test
  void treats_a_latency_only_rule_as_a_delay_not_a_rejection() {
    assertThat(FaultRule.fromJson(json("{\"latencyMs\":100}")).rejects()).isFalse();
  }

  @Test
  void refuses_rules_that_are_incomplete_or_mistyped() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> FaultRule.fromJson(json("{\"times\":2}")));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> FaultRule.fromJson(json("{\"status\":42}")));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> FaultRule.fromJson(json("{\"status\":\"503\"}")));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> FaultRule.fromJson(json("{\"status\":503,\"times\":-1}")));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> FaultRule.fromJson(json("{\"drop\":\"yes\"}")));
  }

  private static JsonNode json(String text) {
    return JSON.readTree(text);
  }
}
