package io.segmentrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.Api;
import io.segmentrelay.support.RelayTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A person's stored traits only grow. Once they would take a track call over Segment's 32 KB, the
 * call carries the traits that fit and the delivery log says which were left out: the person's
 * later events are still delivered.
 */
class OversizedTraitsTest extends RelayTest {

  @Test
  void a_person_whose_stored_traits_outgrow_32_kb_still_gets_later_events_delivered() {
    var tenant = newTenant();
    var writeKey = newWriteKey();
    var integrationId = newIntegration(tenant, writeKey);
    var large = "x".repeat(20_000);
    identify(tenant, Map.of("plan", "pro", "notes", large));
    identify(tenant, Map.of("history", large));

    postEvents(tenant, Api.map("id", "evt_after", "type", "flow_viewed",
        "timestamp", "2026-05-13T10:14:00Z", "userId", "user_big"));
    dispatcher.runDue();

    var delivery = only(tenant, integrationId);
    assertThat(delivery.get("status").asString()).isEqualTo("delivered");
    assertThat(delivery.get("note").asString())
        .isEqualTo("Traits trimmed to fit Segment's 32 KB limit: 1 of 3 left out (history)");
    var traits = delivery.at("/payload/properties/traits");
    assertThat(traits.get("plan").asString()).isEqualTo("pro");
    assertThat(traits.get("notes").asString()).hasSize(20_000);
    assertThat(traits.has("history")).isFalse();
    assertThat(sandbox().stats(writeKey).events()).isEqualTo(1);
  }

  @Test
  void an_event_whose_own_traits_are_over_32_kb_is_delivered_without_them() {
    var tenant = newTenant();
    var writeKey = newWriteKey();
    var integrationId = newIntegration(tenant, writeKey);

    postEvents(tenant, Api.map("id", "evt_huge", "type", "flow_viewed",
        "timestamp", "2026-05-13T10:14:00Z", "userId", "user_huge",
        "traits", Map.of("blob", "y".repeat(40_000))));
    dispatcher.runDue();

    var delivery = only(tenant, integrationId);
    assertThat(delivery.get("status").asString()).isEqualTo("delivered");
    assertThat(delivery.get("note").asString()).contains("1 of 1 left out (blob)");
    assertThat(delivery.at("/payload/properties/traits").isMissingNode()).isTrue();
    assertThat(sandbox().stats(writeKey).events()).isEqualTo(1);
  }

  @Test
  void a_call_that_fits_has_no_note() {
    var tenant = newTenant();
    var integrationId = newIntegration(tenant, newWriteKey());
    postEvents(tenant, event("evt_small"));
    dispatcher.runDue();
    assertThat(only(tenant, integrationId).has("note")).isFalse();
  }

  private void identify(Tenant tenant, Map<String, Object> traits) {
    assertThat(api.post("/v1/identify", tenant.ingestKey(),
        Map.of("userId", "user_big", "traits", traits)).status()).isEqualTo(200);
  }

  private JsonNode only(Tenant tenant, String integrationId) {
    var list = deliveries(tenant, integrationId).json().get("deliveries");
    assertThat(list).hasSize(1);
    return list.get(0);
  }
}
