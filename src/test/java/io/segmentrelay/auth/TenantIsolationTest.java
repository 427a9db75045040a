package io.segmentrelay.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.Api;
import io.segmentrelay.support.RelayTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One organization never sees or changes another's integrations, deliveries or identities. */
class TenantIsolationTest extends RelayTest {

  @Test
  void another_organizations_admin_token_gets_404_on_every_integration_verb() {
    var owner = newTenant();
    var stranger = newTenant();
    var id = newIntegration(owner, newWriteKey());
    postEvents(owner, event("evt_1"));
    var deliveryId = deliveries(owner, id).json().at("/deliveries/0/id").asString();
    var base = "/api/v1/integrations/" + id;
    var token = stranger.adminToken();

    assertThat(api.get(base, token).status()).isEqualTo(404);
    assertThat(api.patch(base, token, Map.of("name", "mine")).status()).isEqualTo(404);
    assertThat(api.post(base + "/pause", token, Map.of()).status()).isEqualTo(404);
    assertThat(api.post(base + "/resume", token, Map.of()).status()).isEqualTo(404);
    assertThat(api.get(base + "/deliveries", token).status()).isEqualTo(404);
    assertThat(api.get(base + "/deliveries/" + deliveryId, token).status()).isEqualTo(404);
    assertThat(api.post(base + "/deliveries/" + deliveryId + "/retry", token, Map.of()).status())
        .isEqualTo(404);
    assertThat(api.post(base + "/replay", token, Map.of()).status()).isEqualTo(404);
    assertThat(api.post(base + "/test", token, Map.of()).status()).isEqualTo(404);
    assertThat(api.delete(base, token).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/integrations", token).json().get("integrations")).isEmpty();

    var still = api.get(base, owner.adminToken());
    assertThat(still.status()).isEqualTo(200);
    assertThat(still.json().get("name").asString()).isEqualTo("Segment");
    assertThat(still.json().get("status").asString()).isEqualTo("active");
  }

  @Test
  void one_apps_ingest_key_never_writes_into_another_organization() {
    var one = newTenant();
    var other = newTenant();
    var oneIntegration = newIntegration(one, newWriteKey());
    var otherIntegration = newIntegration(other, newWriteKey());

    var body = event("evt_x");
    body.put("organization_id", other.organizationId());
    body.put("app_id", other.appId());
    assertThat(postEvents(one, body).status()).isEqualTo(202);

    assertThat(deliveries(other, otherIntegration).json().get("deliveries")).isEmpty();
    var payload = deliveries(one, oneIntegration).json().at("/deliveries/0/payload");
    assertThat(payload.at("/properties/organization_id").asString()).isEqualTo(one.organizationId());
    assertThat(payload.at("/properties/app_id").asString()).isEqualTo(one.appId());
  }

  @Test
  void tokens_only_work_where_they_belong() {
    var tenant = newTenant();
    assertThat(api.post("/api/v1/organizations", tenant.adminToken(), Map.of("name", "x")).status())
        .as("an admin is known but may not create organizations")
        .isEqualTo(403);
    assertThat(api.get("/api/v1/integrations", tenant.ingestKey()).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/integrations", OPERATOR_TOKEN).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/integrations", null).status()).isEqualTo(401);
    var created = api.post("/api/v1/organizations", OPERATOR_TOKEN, Api.map("name", "New"));
    assertThat(created.status()).isEqualTo(201);
  }
}
