package io.segmentrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.Api;
import io.segmentrelay.support.RelayTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The seed's "Properties we send" table: always-fields present, the rest only when given. */
class TrackFieldTableTest extends RelayTest {

  @Test
  void fields_sent_when_available_are_absent_when_not_given_and_always_fields_are_present() {
    var tenant = newTenant();
    var integrationId = newIntegration(tenant, newWriteKey());
    var minimal =
        Api.map("id", "evt_min", "type", "flow_viewed", "timestamp", "2026-05-13T10:14:00Z",
            "anonymousId", "anon_min");
    assertThat(postEvents(tenant, minimal).status()).isEqualTo(202);

    var payload = onlyPayload(tenant, integrationId);
    for (var always : new String[] {"/type", "/event", "/anonymousId", "/messageId", "/timestamp",
        "/properties/app_id", "/properties/organization_id", "/properties/identities",
        "/properties/references"}) {
      assertThat(payload.at(always).isMissingNode()).as(always + " is always sent").isFalse();
      assertThat(payload.at(always).isNull()).isFalse();
    }
    for (var whenAvailable : new String[] {"/userId", "/context/page", "/context/page/path",
        "/context/page/referrer", "/context/locale", "/properties/survey_id",
        "/properties/response_id", "/properties/traits"}) {
      assertThat(payload.at(whenAvailable).isMissingNode())
          .as(whenAvailable + " is absent when not given, never null or empty").isTrue();
    }
    assertThat(payload.get("event").asString()).isEqualTo("Flow Viewed");
    assertThat(payload.get("timestamp").asString()).isEqualTo("2026-05-13T10:14:00.000Z");
    assertThat(payload.at("/properties/references/event_id").asString()).isEqualTo("evt_min");
    assertThat(payload.at("/properties/identities/0/type").asString()).isEqualTo("anonymous_id");
  }

  @Test
  void every_field_given_is_sent_where_the_table_puts_it() {
    var tenant = newTenant();
    var integrationId = newIntegration(tenant, newWriteKey());
    var full = Api.map(
        "id", "evt_full", "type", "flow_dismissed", "timestamp", "2026-05-13T12:14:00+02:00",
        "surveyId", "srv_9", "responseId", "resp_9", "userId", "u_9", "anonymousId", "a_9",
        "traits", Api.map("plan", "pro"), "page", Api.map("path", "/p", "referrer", "https://r.example/"),
        "locale", "de-DE", "references", Api.map("flow_id", "flw_1"));
    assertThat(postEvents(tenant, full).status()).isEqualTo(202);

    var payload = onlyPayload(tenant, integrationId);
    assertThat(payload.get("userId").asString()).isEqualTo("u_9");
    assertThat(payload.get("timestamp").asString()).isEqualTo("2026-05-13T10:14:00.000Z");
    assertThat(payload.at("/context/page/referrer").asString()).isEqualTo("https://r.example/");
    assertThat(payload.at("/context/locale").asString()).isEqualTo("de-DE");
    assertThat(payload.at("/properties/survey_id").asString()).isEqualTo("srv_9");
    assertThat(payload.at("/properties/response_id").asString()).isEqualTo("resp_9");
    assertThat(payload.at("/properties/traits/plan").asString()).isEqualTo("pro");
    assertThat(payload.at("/properties/references/flow_id").asString()).isEqualTo("flw_1");
    assertThat(payload.at("/properties/references/event_id").asString()).isEqualTo("evt_full");
  }

  private JsonNode onlyPayload(Tenant tenant, String integrationId) {
    var list = deliveries(tenant, integrationId).json().get("deliveries");
    assertThat(list).hasSize(1);
    return list.get(0).get("payload");
  }
}
