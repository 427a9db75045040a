package io.segmentrelay.track;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.identity.Identity;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class TrackCallTest {

  private final JsonMapper json = JsonMapper.builder().build();
  private final TrackCall.Target target =
      new TrackCall.Target("org_1", "app_1", "int_1", "Survey Submitted", "1.2.3");

  @Test
  void a_call_is_frozen_field_by_field_in_a_fixed_order() {
    var traits = (ObjectNode) json.readTree("{\"plan\":\"pro\",\"seats\":3,\"tags\":[\"a\",null]}");
    var references = (ObjectNode) json.readTree("{\"ticket\":{\"id\":7},\"event_id\":\"spoofed\",\"x\":\"\\\"q\\\"\"}");
    var event = new SurveyEvent("evt_1", LifecycleEvent.RESPONSE_SUBMITTED,
        Instant.parse("2026-05-13T10:14:00.5Z"), "srv_1", "", null, "anon_1", null, "/checkout",
        null, "de-CH", references);
    var frozen = TrackCall.freeze(json, event, new Identity("user_1", "anon_1", traits), target);

    assertThat(frozen.messageId()).isEqualTo(TrackCall.messageId("int_1", "app_1", "evt_1"));
    assertThat(frozen.json()).isEqualTo("{\"type\":\"track\",\"event\":\"Survey Submitted\","
        + "\"userId\":\"user_1\",\"anonymousId\":\"anon_1\",\"messageId\":\"" + frozen.messageId()
        + "\",\"timestamp\":\"2026-05-13T10:14:00.500Z\",\"context\":{\"page\":{\"path\":\"/checkout\"},"
        + "\"locale\":\"de-CH\",\"library\":{\"name\":\"segment-relay\",\"version\":\"1.2.3\"}},"
        + "\"properties\":{\"survey_id\":\"srv_1\",\"app_id\":\"app_1\",\"organization_id\":\"org_1\","
        + "\"traits\":{\"plan\":\"pro\",\"seats\":3,\"tags\":[\"a\",null]},"
        + "\"identities\":[{\"type\":\"user_id\",\"value\":\"user_1\"},"
        + "{\"type\":\"anonymous_id\",\"value\":\"anon_1\"}],"
        + "\"references\":{\"ticket\":{\"id\":7},\"event_id\":\"evt_1\",\"x\":\"\\\"q\\\"\"}}}");
  }

  @Test
  void an_anonymous_call_without_page_traits_or_references_leaves_them_out() {
    var event = new SurveyEvent("evt_2", LifecycleEvent.RESPONSE_SUBMITTED,
        Instant.parse("2026-05-13T10:14:00Z"), null, null, null, "anon_2", null, null, null, null,
        null);
    var frozen = TrackCall.freeze(json, event, new Identity(null, "anon_2", null), target);

    var call = json.readTree(frozen.json());
    assertThat(call.has("userId")).isFalse();
    assertThat(call.get("context").propertyNames()).containsExactly("library");
    assertThat(call.get("properties").propertyNames())
        .containsExactly("app_id", "organization_id", "identities", "references");
    assertThat(call.at("/properties/identities").size()).isEqualTo(1);
    assertThat(call.at("/properties/references").toString()).isEqualTo("{\"event_id\":\"evt_2\"}");
  }

  @Test
  void traits_that_would_take_the_call_over_32_kb_are_trimmed_to_the_ones_that_fit() {
    var event = new SurveyEvent("evt_3", LifecycleEvent.RESPONSE_SUBMITTED,
        Instant.parse("2026-05-13T10:14:00Z"), null, null, "user_3", "anon_3", null, null, null,
        null, null);
    var traits = json.createObjectNode();
    traits.put("plan", "pro");
    traits.put("essay", "é".repeat(12_000)); // 24,000 bytes in UTF-8, 12,000 characters
    traits.put("notes", "n".repeat(9_000));
    traits.put("seats", 3);
    var frozen = TrackCall.freeze(json, event, new Identity("user_3", "anon_3", traits), target);

    assertThat(frozen.json().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(TrackCall.MAX_BYTES);
    var kept = json.readTree(frozen.json()).at("/properties/traits");
    assertThat(kept.propertyNames()).containsExactly("plan", "essay", "seats");
    assertThat(frozen.note())
        .isEqualTo("Traits trimmed to fit Segment's 32 KB limit: 1 of 4 left out (notes)");
  }

  @Test
  void utf8_length_counts_bytes_without_encoding() {
    for (var text : new String[] {"", "abc", "é", "€", "😀", "a😀é€"}) {
      assertThat(TrackCall.utf8Length(text)).as(text)
          .isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }
  }
}
