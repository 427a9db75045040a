package io.segmentrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class PreflightTest {

  private final JsonMapper json = JsonMapper.builder().build();

  private Optional<String> problem(String call) {
    return Preflight.problem(call.length(), call, json);
  }

  @Test
  void a_complete_call_passes_whatever_its_nested_fields_hold() {
    assertThat(problem("""
        {"type":"track","event":"Survey Shown","userId":"u1","messageId":"m1",
         "properties":{"userId":"","event":null,"nested":[{"anonymousId":""}]},"context":{}}
        """)).isEmpty();
    assertThat(problem("{\"event\":\"E\",\"anonymousId\":\"a1\"}")).isEmpty();
  }

  @Test
  void ids_and_event_name_must_be_non_blank_strings_at_the_top_level() {
    assertThat(problem("{\"event\":\"E\",\"properties\":{\"userId\":\"u1\"}}"))
        .hasValueSatisfying(p -> assertThat(p).contains("neither userId nor anonymousId"));
    assertThat(problem("{\"event\":\"E\",\"userId\":\" \",\"anonymousId\":42}"))
        .hasValueSatisfying(p -> assertThat(p).contains("neither userId nor anonymousId"));
    assertThat(problem("{\"userId\":\"u1\",\"event\":{\"name\":\"E\"}}"))
        .hasValueSatisfying(p -> assertThat(p).contains("no event name"));
    assertThat(problem("{\"userId\":\"u1\",\"event\":\"E\",\"messageId\":\"" + "m".repeat(101) + "\"}"))
        .hasValueSatisfying(p -> assertThat(p).contains("messageId is over 100"));
  }

  @Test
  void the_relays_own_calls_are_judged_by_their_leading_fields_without_reading_the_rest() {
    // Nested deeper than the parser would ever read: only a parse that stops early passes it.
    var tail = "[".repeat(5_000) + "]".repeat(5_000);
    assertThat(problem("{\"type\":\"track\",\"event\":\"E\",\"anonymousId\":\"a1\","
        + "\"messageId\":\"m1\",\"properties\":" + tail + "}")).isEmpty();
    assertThat(problem("{\"event\":\"E\",\"anonymousId\":\" \",\"messageId\":\"m1\","
        + "\"userId\":\"u1\"}")).isEmpty();
  }

  @Test
  void an_event_over_32_kb_is_refused_by_its_size() {
    assertThat(Preflight.problem(32 * 1024 + 1, "{\"userId\":\"u1\",\"event\":\"E\"}", json))
        .hasValueSatisfying(p -> assertThat(p).contains("32 KB"));
  }
}
