package io.segmentrelay.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.Api;
import io.segmentrelay.support.RelayTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Identity stitching per organization and traits snapshots, through the HTTP API. */
class IdentityStitchingTest extends RelayTest {

  @Test
  void an_anonymous_event_after_an_identify_carries_the_user_id() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    var identify = api.post("/v1/identify", tenant.ingestKey(),
        Map.of("userId", "user_42", "anonymousId", "anon_42", "traits", Map.of("email", "a@b.c")));
    assertThat(identify.status()).isEqualTo(200);

    postEvents(tenant, anonymousEvent("evt_a", "anon_42"));

    var payload = payload(tenant, id, "evt_a");
    assertThat(payload.get("userId").asString()).isEqualTo("user_42");
    assertThat(payload.get("anonymousId").asString()).isEqualTo("anon_42");
    assertThat(payload.at("/properties/traits/email").asString()).isEqualTo("a@b.c");
    assertThat(payload.at("/properties/identities/0/value").asString()).isEqualTo("user_42");
  }

  @Test
  void ids_with_quotes_and_sql_in_them_are_only_ever_values() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    var userId = "o'brien'); DELETE FROM identity_links; --";
    var anonymousId = "anon ' OR '1'='1";
    api.post("/v1/identify", tenant.ingestKey(), Map.of("userId", userId, "anonymousId", anonymousId));
    api.post("/v1/identify", tenant.ingestKey(), Map.of("userId", "someone_else", "anonymousId", "other"));

    postEvents(tenant, anonymousEvent("evt_q'1", anonymousId));
    postEvents(tenant, anonymousEvent("evt_q'1", anonymousId)); // a duplicate, found by its id

    var payload = payload(tenant, id, "evt_q'1");
    assertThat(payload.get("userId").asString()).isEqualTo(userId);
    assertThat(payload.get("anonymousId").asString()).isEqualTo(anonymousId);
    assertThat(deliveries(tenant, id).json().get("deliveries")).hasSize(1);
  }

  @Test
  void a_user_id_only_event_gets_the_same_stable_anonymous_id_every_time() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    postEvents(tenant, userEvent("evt_u1", "user_7"));
    postEvents(tenant, userEvent("evt_u2", "user_7"));

    var first = payload(tenant, id, "evt_u1").get("anonymousId").asString();
    var second = payload(tenant, id, "evt_u2").get("anonymousId").asString();
    assertThat(first).isNotBlank().isEqualTo(second);
    assertThat(first)
        .isEqualTo(IdentityService.derivedAnonymousId(tenant.organizationId(), "user_7"));
  }

  @Test
  void a_user_id_only_event_gets_the_users_most_recently_linked_anonymous_id() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    api.post("/v1/identify", tenant.ingestKey(), Map.of("userId", "user_8", "anonymousId", "old"));
    api.post("/v1/identify", tenant.ingestKey(), Map.of("userId", "user_8", "anonymousId", "new"));
    postEvents(tenant, userEvent("evt_u3", "user_8"));
    assertThat(payload(tenant, id, "evt_u3").get("anonymousId").asString()).isEqualTo("new");
  }

  @Test
  void a_later_identify_does_not_change_an_earlier_events_traits() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    api.post("/v1/identify", tenant.ingestKey(),
        Map.of("userId", "user_9", "traits", Map.of("plan", "free")));
    postEvents(tenant, userEvent("evt_t1", "user_9"));
    api.post("/v1/identify", tenant.ingestKey(),
        Map.of("userId", "user_9", "traits", Map.of("plan", "pro", "email", "x@y.z")));
    postEvents(tenant, userEvent("evt_t2", "user_9"));

    var earlier = payload(tenant, id, "evt_t1").at("/properties/traits");
    assertThat(earlier.get("plan").asString()).isEqualTo("free");
    assertThat(earlier.has("email")).isFalse();
    var later = payload(tenant, id, "evt_t2").at("/properties/traits");
    assertThat(later.get("plan").asString()).isEqualTo("pro");
    assertThat(later.get("email").asString()).isEqualTo("x@y.z");
  }

  @Test
  void events_of_one_batch_see_the_links_and_traits_of_the_events_before_them() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    var visitor = withTraits(anonymousEvent("evt_b1", "anon_b"), Map.of("plan", "trial"));
    var signup = Api.map("id", "evt_b2", "type", "flow_viewed", "timestamp", "2026-05-13T10:15:00Z",
        "userId", "user_b", "anonymousId", "anon_b", "traits", Map.of("email", "b@c.d"));
    var later = anonymousEvent("evt_b3", "anon_b");
    var byUser = userEvent("evt_b4", "user_b");
    postEvents(tenant, Map.of("batch", java.util.List.of(visitor, signup, later, byUser)));

    assertThat(payload(tenant, id, "evt_b1").has("userId")).isFalse();
    assertThat(payload(tenant, id, "evt_b1").at("/properties/traits").toString())
        .isEqualTo("{\"plan\":\"trial\"}");
    var after = payload(tenant, id, "evt_b3");
    assertThat(after.get("userId").asString()).isEqualTo("user_b");
    assertThat(after.at("/properties/traits/plan").asString()).isEqualTo("trial");
    assertThat(after.at("/properties/traits/email").asString()).isEqualTo("b@c.d");
    assertThat(payload(tenant, id, "evt_b4").get("anonymousId").asString()).isEqualTo("anon_b");
  }

  @Test
  void a_visitors_traits_from_earlier_requests_follow_them_into_their_user_profile() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    var visitor = withTraits(anonymousEvent("evt_v1", "anon_v"), Map.of("plan", "trial"));
    postEvents(tenant, visitor);
    postEvents(tenant, withTraits(bothIds("evt_v2", "user_v", "anon_v"), Map.of("email", "v@w.x")));
    // A known visitor with their known user: the user's profile, now holding both.
    postEvents(tenant, withTraits(bothIds("evt_v3", "user_v", "anon_v"), Map.of("seats", 3)));
    postEvents(tenant, anonymousEvent("evt_v4", "anon_v"));

    var signup = payload(tenant, id, "evt_v2").at("/properties/traits");
    assertThat(signup.get("plan").asString()).isEqualTo("trial");
    assertThat(signup.get("email").asString()).isEqualTo("v@w.x");
    var known = payload(tenant, id, "evt_v3").at("/properties/traits");
    assertThat(known.toString()).isEqualTo("{\"plan\":\"trial\",\"email\":\"v@w.x\",\"seats\":3}");
    var later = payload(tenant, id, "evt_v4");
    assertThat(later.get("userId").asString()).isEqualTo("user_v");
    assertThat(later.at("/properties/traits").toString()).isEqualTo(known.toString());
  }

  @Test
  void a_visitor_seen_with_a_second_user_brings_their_visitor_traits_and_moves_the_link() {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    var visitor = withTraits(anonymousEvent("evt_s1", "anon_s"), Map.of("plan", "trial"));
    postEvents(tenant, visitor);
    postEvents(tenant, bothIds("evt_s2", "user_s1", "anon_s"));
    postEvents(tenant, bothIds("evt_s3", "user_s2", "anon_s"));
    postEvents(tenant, anonymousEvent("evt_s4", "anon_s"));
    postEvents(tenant, userEvent("evt_s5", "user_s2"));

    assertThat(payload(tenant, id, "evt_s3").at("/properties/traits/plan").asString())
        .isEqualTo("trial");
    assertThat(payload(tenant, id, "evt_s4").get("userId").asString()).isEqualTo("user_s2");
    assertThat(payload(tenant, id, "evt_s5").get("anonymousId").asString()).isEqualTo("anon_s");
  }

  @Test
  void identities_never_cross_organizations() {
    var one = newTenant();
    var other = newTenant();
    var otherIntegration = newIntegration(other, newWriteKey());
    api.post("/v1/identify", one.ingestKey(), Map.of("userId", "user_x", "anonymousId", "anon_x"));
    postEvents(other, anonymousEvent("evt_o", "anon_x"));
    assertThat(payload(other, otherIntegration, "evt_o").has("userId")).isFalse();
  }

  private static Map<String, Object> anonymousEvent(String id, String anonymousId) {
    return Api.map("id", id, "type", "flow_viewed", "timestamp", "2026-05-13T10:14:00Z",
        "anonymousId", anonymousId);
  }

  private static Map<String, Object> bothIds(String id, String userId, String anonymousId) {
    return Api.map("id", id, "type", "flow_viewed", "timestamp", "2026-05-13T10:14:00Z",
        "userId", userId, "anonymousId", anonymousId);
  }

  private static Map<String, Object> withTraits(Map<String, Object> event, Map<String, Object> traits) {
    event.put("traits", traits);
    return event;
  }

  private static Map<String, Object> userEvent(String id, String userId) {
    return Api.map("id", id, "type", "flow_viewed", "timestamp", "2026-05-13T10:14:00Z",
        "userId", userId);
  }

  private JsonNode payload(Tenant tenant, String integrationId, String eventId) {
    for (var d : deliveries(tenant, integrationId).json().get("deliveries")) {
      if (d.get("eventId").asString().equals(eventId)) {
        return d.get("payload");
      }
    }
    throw new AssertionError("no delivery for " + eventId);
  }
}
