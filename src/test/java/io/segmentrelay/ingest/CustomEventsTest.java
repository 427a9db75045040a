package io.segmentrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.Api;
import io.segmentrelay.support.RelayTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Custom events: the ingest shape, the per-integration setting, and the track call they become. */
class CustomEventsTest extends RelayTest {

  private static Map<String, Object> custom(String id, String name, Object properties) {
    var event = Api.map("id", id, "type", "custom", "name", name,
        "timestamp", "2026-05-13T10:14:00.000Z", "anonymousId", "anon_c", "userId", "user_c");
    if (properties != null) {
      event.put("properties", properties);
    }
    return event;
  }

  private void setCustom(Tenant tenant, String integrationId, Object setting, int status) {
    var patch = api.patch("/api/v1/integrations/" + integrationId, tenant.adminToken(),
        Map.of("customEvents", setting));
    assertThat(patch.status()).as(patch.text()).isEqualTo(status);
  }

  private JsonNode onlyPayload(Tenant tenant, String integrationId) {
    var list = deliveries(tenant, integrationId).json().get("deliveries");
    assertThat(list).hasSize(1);
    return list.get(0).get("payload");
  }

  @Test
  void integrations_forward_no_custom_events_until_told_to() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    var shown = api.get("/api/v1/integrations/" + id, tenant.adminToken());
    assertThat(shown.json().get("customEvents").toString()).isEqualTo("{\"mode\":\"none\"}");

    var accepted = postEvents(tenant, custom("evt_c1", "NPS Scored", Map.of("score", 9)));
    assertThat(accepted.status()).isEqualTo(202);
    assertThat(accepted.json().get("accepted").asInt()).isEqualTo(1);
    assertThat(deliveries(tenant, id).json().get("deliveries")).isEmpty();
  }

  @Test
  void an_allowed_custom_event_becomes_a_renamed_track_call_with_its_properties_merged() {
    var tenant = newTenant();
    var writeKey = newWriteKey();
    var id = newIntegration(tenant, writeKey);
    setCustom(tenant, id, Map.of("mode", "allow", "allow", new String[] {"NPS Scored"},
        "renames", Map.of("NPS Scored", "nps_scored")), 200);
    var shown = api.get("/api/v1/integrations/" + id, tenant.adminToken()).json().get("customEvents");
    assertThat(shown.toString())
        .isEqualTo("{\"mode\":\"allow\",\"allow\":[\"NPS Scored\"],\"renames\":{\"NPS Scored\":\"nps_scored\"}}");

    var accepted = postEvents(tenant, Map.of("batch", new Object[] {
        custom("evt_c2", "NPS Scored", Map.of("score", 9, "app_id", "mine", "tags", new String[] {"churn risk"})),
        custom("evt_c3", "Plan Upgraded", Map.of("plan", "pro"))}));
    assertThat(accepted.status()).isEqualTo(202);
    assertThat(accepted.json().get("warnings").toString())
        .isEqualTo("[\"batch[0].properties.app_id is set by the relay; your value was not sent\"]");

    var payload = onlyPayload(tenant, id);
    assertThat(payload.get("type").asString()).isEqualTo("track");
    assertThat(payload.get("event").asString()).isEqualTo("nps_scored");
    assertThat(payload.get("userId").asString()).isEqualTo("user_c");
    assertThat(payload.get("anonymousId").asString()).isEqualTo("anon_c");
    var properties = payload.get("properties");
    assertThat(properties.get("score").asInt()).isEqualTo(9);
    assertThat(properties.at("/tags/0").asString()).isEqualTo("churn risk");
    assertThat(properties.get("app_id").asString()).isEqualTo(tenant.appId());
    assertThat(properties.get("organization_id").asString()).isEqualTo(tenant.organizationId());
    assertThat(properties.at("/references/event_id").asString()).isEqualTo("evt_c2");
    assertThat(properties.get("identities")).hasSize(2);

    dispatcher.runDue();
    assertThat(sandbox().events(writeKey)).anySatisfy(
        e -> assertThat(e.get("event").asString()).isEqualTo("nps_scored"));
  }

  @Test
  void mode_all_forwards_every_custom_event_under_its_own_name_or_its_rename() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    setCustom(tenant, id, Map.of("mode", "all", "renames", Map.of("Tagged", "answer_tagged")), 200);
    postEvents(tenant, custom("evt_c4", "Plan Upgraded", null));
    postEvents(tenant, custom("evt_c5", "Tagged", Map.of()));
    var names = deliveries(tenant, id).json().get("deliveries").valueStream()
        .map(d -> d.at("/payload/event").asString()).toList();
    assertThat(names).containsExactlyInAnyOrder("Plan Upgraded", "answer_tagged");
  }

  @Test
  void invalid_custom_events_are_refused_naming_each_field_and_nothing_is_stored() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    setCustom(tenant, id, Map.of("mode", "all"), 200);
    var big = "x".repeat(EventParser.MAX_PROPERTIES_BYTES);
    var response = postEvents(tenant, Map.of("batch", new Object[] {
        custom("evt_ok", "Fine", null),
        custom("evt_b1", "", null),
        custom("evt_b2", "n".repeat(201), null),
        custom("evt_b3", "Props", "not an object"),
        custom("evt_b4", "Big", Map.of("blob", big)),
        Api.map("id", "evt_b5", "type", "custom", "timestamp", "2026-05-13T10:14:00Z", "anonymousId", "a"),
        Api.map("id", "evt_b6", "type", "nps", "timestamp", "2026-05-13T10:14:00Z", "anonymousId", "a")}));
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).contains("application/problem+json");
    var fields = response.json().get("errors").valueStream().map(e -> e.get("field").asString()).toList();
    assertThat(fields).containsExactly("batch[1].name", "batch[2].name", "batch[3].properties",
        "batch[4].properties", "batch[5].name", "batch[6].type");
    assertThat(response.json().at("/errors/5/message").asString()).contains("custom");
    assertThat(deliveries(tenant, id).json().get("deliveries")).isEmpty();
    assertThat(postEvents(tenant, custom("evt_ok", "Fine", null)).json().get("duplicates").asInt())
        .as("the valid event of the refused batch was not stored").isZero();
  }

  @Test
  void an_invalid_setting_is_refused_naming_the_field_and_the_old_one_stays() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    setCustom(tenant, id, Map.of("mode", "allow", "allow", new String[] {"A"}), 200);
    var cases = Map.of(
        "customEvents.mode", Map.of("mode", "some"),
        "customEvents.allow", Map.of("mode", "allow"),
        "customEvents.allow[0]", Map.of("mode", "allow", "allow", new Object[] {""}),
        "customEvents.renames.A", Map.of("mode", "all", "renames", Map.of("A", "r".repeat(201))),
        "customEvents.extra", Map.of("mode", "all", "extra", true));
    cases.forEach((field, setting) -> {
      var patch = api.patch("/api/v1/integrations/" + id, tenant.adminToken(),
          Map.of("customEvents", setting));
      assertThat(patch.status()).isEqualTo(400);
      assertThat(patch.json().at("/errors/0/field").asString()).isEqualTo(field);
    });
    var notObject = api.patch("/api/v1/integrations/" + id, tenant.adminToken(),
        Map.of("customEvents", "all"));
    assertThat(notObject.json().at("/errors/0/field").asString()).isEqualTo("customEvents");
    var shown = api.get("/api/v1/integrations/" + id, tenant.adminToken()).json();
    assertThat(shown.at("/customEvents/mode").asString()).isEqualTo("allow");
    assertThat(shown.at("/customEvents/allow/0").asString()).isEqualTo("A");
  }

  @Test
  void a_lifecycle_event_with_a_name_or_properties_is_accepted_with_a_warning() {
    var tenant = newTenant();
    var event = event("evt_l1");
    event.put("properties", Map.of("score", 1));
    var accepted = postEvents(tenant, event);
    assertThat(accepted.status()).isEqualTo(202);
    assertThat(accepted.json().get("warnings").toString())
        .isEqualTo("[\"properties is only sent for custom events; it was ignored\"]");
  }

  @Test
  void the_largest_setting_allowed_is_stored_whole() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    var names = new String[200];
    var renames = new java.util.LinkedHashMap<String, String>();
    for (int i = 0; i < names.length; i++) {
      names[i] = String.format("%03d", i) + "é".repeat(197);
      renames.put(names[i], String.format("%03d", i) + "r".repeat(197));
    }
    setCustom(tenant, id, Map.of("mode", "allow", "allow", names, "renames", renames), 200);
    var shown = api.get("/api/v1/integrations/" + id, tenant.adminToken()).json().get("customEvents");
    assertThat(shown.get("allow")).hasSize(200);
    assertThat(shown.get("renames").get(names[199]).asString()).isEqualTo(renames.get(names[199]));
    var tooMany = java.util.Arrays.copyOf(names, 201);
    tooMany[200] = "one more";
    setCustom(tenant, id, Map.of("mode", "allow", "allow", tooMany), 400);
  }

  @Test
  void a_custom_setting_can_be_given_at_creation() {
    var tenant = newTenant();
    var body = Api.map("type", "segment", "name", "S", "writeKey", newWriteKey(),
        "endpoint", sandboxUrl(), "customEvents", Map.of("mode", "all"));
    var created = api.post("/api/v1/integrations", tenant.adminToken(), body);
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().at("/customEvents/mode").asString()).isEqualTo("all");
  }
}
