package io.segmentrelay.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.Api;
import io.segmentrelay.support.RelayTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Renames, disabled events, several integrations and idempotent re-posts. */
class EventSettingsFlowTest extends RelayTest {

  @Test
  void a_renamed_event_carries_the_new_name() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey(), sandboxUrl(),
        Map.of("response_submitted", Map.of("name", "  survey_responded ")));
    postEvents(tenant, event("evt_1"));
    var payload = deliveries(tenant, id).json().at("/deliveries/0/payload");
    assertThat(payload.get("event").asString()).isEqualTo("survey_responded");
  }

  @Test
  void a_disabled_event_makes_no_delivery() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    var patch = api.patch("/api/v1/integrations/" + id, tenant.adminToken(),
        Map.of("events", Map.of("flow_viewed", Map.of("enabled", false))));
    assertThat(patch.status()).isEqualTo(200);
    assertThat(patch.json().at("/events/flow_viewed/enabled").asBoolean()).isFalse();

    var viewed = Api.map("id", "evt_v", "type", "flow_viewed", "timestamp", "2026-05-13T10:14:00Z",
        "anonymousId", "a");
    assertThat(postEvents(tenant, Map.of("batch", new Object[] {viewed, event("evt_r")})).status())
        .isEqualTo(202);
    var list = deliveries(tenant, id).json().get("deliveries");
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("eventId").asString()).isEqualTo("evt_r");
  }

  @Test
  void two_integrations_make_two_deliveries_with_different_message_ids() {
    var tenant = newTenant();
    var first = newIntegration(tenant, newWriteKey());
    var second = newIntegration(tenant, newWriteKey());
    postEvents(tenant, event("evt_2"));
    var a = deliveries(tenant, first).json().at("/deliveries/0/messageId").asString();
    var b = deliveries(tenant, second).json().at("/deliveries/0/messageId").asString();
    assertThat(a).isNotBlank();
    assertThat(b).isNotBlank().isNotEqualTo(a);
  }

  @Test
  void re_posting_an_event_id_makes_nothing_new_and_is_still_accepted() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    assertThat(postEvents(tenant, event("evt_3")).status()).isEqualTo(202);
    var again = postEvents(tenant, Map.of("batch", new Object[] {event("evt_3"), event("evt_3")}));
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.json().get("duplicates").asInt()).isEqualTo(2);
    assertThat(deliveries(tenant, id).json().get("deliveries")).hasSize(1);
  }

  @Test
  void event_settings_are_validated_and_nothing_is_saved_on_error() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    var response = api.patch("/api/v1/integrations/" + id, tenant.adminToken(), Map.of(
        "name", "Renamed",
        "events", Map.of("flow_viewed", Map.of("name", " "), "nope", Map.of("enabled", true))));
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().findValuesAsString("field"))
        .containsExactlyInAnyOrder("events.flow_viewed.name", "events.nope");
    var current = api.get("/api/v1/integrations/" + id, tenant.adminToken()).json();
    assertThat(current.get("name").asString()).isEqualTo("Segment");
    assertThat(current.at("/events/flow_viewed/name").asString()).isEqualTo("Flow Viewed");
  }

  @Test
  void an_endpoint_outside_the_allowed_list_is_refused() {
    var tenant = newTenant();
    var response = api.post("/api/v1/integrations", tenant.adminToken(), Api.map(
        "type", "segment", "name", "x", "writeKey", "has space", "endpoint", "http://169.254.169.254"));
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().findValuesAsString("field")).containsExactlyInAnyOrder("writeKey", "endpoint");
    assertThat(api.get("/api/v1/integrations", tenant.adminToken()).json().get("integrations")).isEmpty();
  }
}
