package io.segmentrelay.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.RelayTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Deleting an app or an organization stops its ingest at once, and what it queued is not sent. */
@ExtendWith(OutputCaptureExtension.class)
class TenantDeletionTest extends RelayTest {

  @Autowired JdbcClient jdbc;

  @Test
  void deleting_an_app_refuses_its_keys_and_discards_its_queued_deliveries_only(
      CapturedOutput output) {
    var tenant = newTenant();
    var writeKey = newWriteKey();
    var integration = newIntegration(tenant, writeKey);
    var paused = newIntegration(tenant, newWriteKey());
    api.post("/api/v1/integrations/" + paused + "/pause", tenant.adminToken(), Map.of());
    var other = api.post("/api/v1/apps", tenant.adminToken(), Map.of("name", "Mobile"));
    var otherKey = other.field("/ingestKey");
    // The same event id from both apps: only the deleted app's delivery is discarded.
    assertThat(postEvents(tenant, event("evt_1")).status()).isEqualTo(202);
    assertThat(postEvents(tenant, event("evt_2")).status()).isEqualTo(202);
    assertThat(api.post("/v1/events", otherKey, event("evt_1")).status()).isEqualTo(202);

    var deleted = api.delete("/api/v1/apps/" + tenant.appId(), tenant.adminToken());
    assertThat(deleted.status()).isEqualTo(204);

    assertThat(postEvents(tenant, event("evt_3")).status()).isEqualTo(401);
    assertThat(api.delete("/api/v1/apps/" + tenant.appId(), tenant.adminToken()).status())
        .isEqualTo(404);
    assertThat(api.get("/api/v1/apps", tenant.adminToken()).text()).doesNotContain(tenant.appId());
    assertThat(api.get("/api/v1/keys", tenant.adminToken()).text()).doesNotContain(tenant.appId());
    var log = deliveries(tenant, integration).json().get("deliveries");
    assertThat(log).hasSize(3);
    var discarded = 0;
    for (var d : log) {
      var app = d.at("/payload/properties/app_id").asString();
      var status = d.get("status").asString();
      assertThat(status).isEqualTo(app.equals(tenant.appId()) ? "discarded" : "pending");
      if (status.equals("discarded")) {
        discarded++;
        assertThat(d.get("failureReason").asString()).contains("app was deleted");
      }
    }
    assertThat(discarded).isEqualTo(2);
    assertThat(output.getAll())
        .contains("Discarded 4 queued deliveries of deleted app " + tenant.appId());
    for (var d : deliveries(tenant, paused).json().get("deliveries")) {
      var app = d.at("/payload/properties/app_id").asString();
      assertThat(d.get("status").asString())
          .isEqualTo(app.equals(tenant.appId()) ? "discarded" : "held");
    }

    dispatcher.runDue();
    var received = sandbox().events(writeKey);
    assertThat(received).hasSize(1);
    assertThat(api.post("/v1/events", otherKey, event("evt_4")).status()).isEqualTo(202);
  }

  @Test
  void deleting_an_organization_revokes_everything_and_deletes_its_integrations() {
    var tenant = newTenant();
    var integration = newIntegration(tenant, newWriteKey());
    var withTraits = event("evt_1");
    withTraits.put("traits", Map.of("email", "user@example.com"));
    assertThat(postEvents(tenant, withTraits).status()).isEqualTo(202);
    assertThat(count("SELECT COUNT(*) FROM profiles WHERE organization_id = ?",
        tenant.organizationId())).isPositive();
    var survivor = newTenant();

    var path = "/api/v1/organizations/" + tenant.organizationId();
    assertThat(api.delete(path, tenant.adminToken()).status()).isEqualTo(403);
    assertThat(api.delete(path, OPERATOR_TOKEN).status()).isEqualTo(204);

    assertThat(postEvents(tenant, event("evt_2")).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/integrations", tenant.adminToken()).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/organizations", OPERATOR_TOKEN).text())
        .doesNotContain(tenant.organizationId()).contains(survivor.organizationId());
    assertThat(count("SELECT COUNT(*) FROM integrations WHERE id = ?", integration)).isZero();
    assertThat(count("SELECT COUNT(*) FROM deliveries WHERE integration_id = ?", integration))
        .isZero();
    for (var table : new String[] {"credentials", "identity_links", "profiles"}) {
      assertThat(count("SELECT COUNT(*) FROM " + table + " WHERE organization_id = ?",
          tenant.organizationId())).as(table).isZero();
    }
    assertThat(api.delete(path, OPERATOR_TOKEN).status()).isEqualTo(404);
    assertThat(api.post(path + "/admin-tokens", OPERATOR_TOKEN, Map.of()).status()).isEqualTo(404);
    assertThat(postEvents(survivor, event("evt_1")).status()).isEqualTo(202);
  }

  private long count(String sql, String param) {
    return jdbc.sql(sql).param(param).query(Long.class).single();
  }
}
