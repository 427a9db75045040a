package io.segmentrelay.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.RelayTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Listing, rotating and revoking admin tokens and ingest keys, through the API. */
class KeyLifecycleTest extends RelayTest {

  @Autowired JdbcClient jdbc;

  @Test
  void an_ingest_key_is_rotated_without_downtime_and_the_revoked_one_is_refused_at_once() {
    var tenant = newTenant();
    var second = api.post("/api/v1/apps/" + tenant.appId() + "/ingest-keys", tenant.adminToken(),
        Map.of());
    assertThat(second.status()).isEqualTo(201);
    var secondKey = second.field("/ingestKey");
    assertThat(secondKey).startsWith("sri_").isNotEqualTo(tenant.ingestKey());

    assertThat(api.post("/v1/events", tenant.ingestKey(), event("evt_old")).status()).isEqualTo(202);
    assertThat(api.post("/v1/events", secondKey, event("evt_new")).status()).isEqualTo(202);
    var keys = ingestKeys(tenant);
    assertThat(keys).hasSize(2);
    var first = keys.stream().filter(k -> !k.get("id").asString().equals(second.field("/id")))
        .findFirst().orElseThrow();
    assertThat(api.delete("/api/v1/keys/" + first.get("id").asString(), tenant.adminToken())
        .status()).isEqualTo(204);

    assertThat(api.post("/v1/events", tenant.ingestKey(), event("evt_2")).status()).isEqualTo(401);
    assertThat(api.post("/v1/events", secondKey, event("evt_3")).status()).isEqualTo(202);
    assertThat(ingestKeys(tenant)).hasSize(1);
    assertThat(ingestKeys(tenant).get(0).get("id").asString()).isEqualTo(second.field("/id"));
  }

  @Test
  void a_key_revoked_by_another_node_is_refused_here_on_its_next_request() {
    var tenant = newTenant();
    assertThat(postEvents(tenant, event("evt_1")).status()).isEqualTo(202);
    assertThat(api.get("/api/v1/apps", tenant.adminToken()).status()).isEqualTo(200);

    // Another node shares the database: its revocations are rows deleted there.
    jdbc.sql("DELETE FROM credentials WHERE organization_id = ?").param(tenant.organizationId())
        .update();

    assertThat(postEvents(tenant, event("evt_2")).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/apps", tenant.adminToken()).status()).isEqualTo(401);
  }

  @Test
  void keys_are_listed_masked_with_their_created_and_last_used_times() {
    var tenant = newTenant();
    var listed = api.get("/api/v1/keys", tenant.adminToken());
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.text()).doesNotContain(tenant.ingestKey()).doesNotContain(tenant.adminToken());
    var admin = keys(tenant, "admin").get(0);
    assertThat(admin.get("kind").asString()).isEqualTo("admin");
    var token = tenant.adminToken();
    assertThat(admin.get("mask").asString())
        .isEqualTo(token.substring(0, 8) + "…" + token.substring(token.length() - 4));
    assertThat(admin.get("createdAt").asString()).isEqualTo("2026-05-13T10:00:00Z");
    assertThat(admin.get("lastUsedAt").asString()).isEqualTo("2026-05-13T10:00:00Z");
    var ingest = ingestKeys(tenant).get(0);
    assertThat(ingest.get("appId").asString()).isEqualTo(tenant.appId());
    assertThat(ingest.has("lastUsedAt")).as("never used").isFalse();

    clock.advance(Duration.ofSeconds(5));
    postEvents(tenant, event("evt_1"));
    assertThat(ingestKeys(tenant).get(0).get("lastUsedAt").asString())
        .isEqualTo("2026-05-13T10:00:05Z");
    clock.advance(Duration.ofSeconds(30));
    postEvents(tenant, event("evt_2"));
    assertThat(ingestKeys(tenant).get(0).get("lastUsedAt").asString())
        .as("written at most once a minute")
        .isEqualTo("2026-05-13T10:00:05Z");
    clock.advance(Duration.ofSeconds(31));
    postEvents(tenant, event("evt_3"));
    assertThat(ingestKeys(tenant).get(0).get("lastUsedAt").asString())
        .isEqualTo("2026-05-13T10:01:06Z");
  }

  @Test
  void an_admin_token_is_rotated_but_the_last_one_cannot_be_revoked() {
    var tenant = newTenant();
    var first = keys(tenant, "admin").get(0).get("id").asString();
    var refused = api.delete("/api/v1/keys/" + first, tenant.adminToken());
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.text()).contains("last admin token");

    var second = api.post("/api/v1/admin-tokens", tenant.adminToken(), Map.of());
    assertThat(second.status()).isEqualTo(201);
    var secondToken = second.field("/adminToken");
    assertThat(api.delete("/api/v1/keys/" + first, secondToken).status()).isEqualTo(204);

    assertThat(api.get("/api/v1/apps", tenant.adminToken()).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/apps", secondToken).status()).isEqualTo(200);
    assertThat(api.delete("/api/v1/keys/" + second.field("/id"), secondToken).status())
        .isEqualTo(409);
  }

  @Test
  void two_admins_revoking_the_last_two_tokens_at_once_leave_one() throws Exception {
    for (int round = 0; round < 5; round++) {
      var tenant = newTenant();
      var first = tenant.adminToken();
      var second = api.post("/api/v1/admin-tokens", first, Map.of()).field("/adminToken");
      var idOf = new java.util.HashMap<String, String>();
      keys(tenant, "admin").forEach(k -> idOf.put(k.get("mask").asString(), k.get("id").asString()));
      // Each token revokes the other, at the same time: one wins, the other gets 409 (or 401).
      var one = CompletableFuture.supplyAsync(() ->
          api.delete("/api/v1/keys/" + idOf.get(TenantStore.mask(second)), first).status());
      var two = CompletableFuture.supplyAsync(() ->
          api.delete("/api/v1/keys/" + idOf.get(TenantStore.mask(first)), second).status());
      var statuses = List.of(one.get(), two.get());
      assertThat(statuses).as("round " + round).containsOnlyOnce(204);
      assertThat(statuses.stream().filter(s -> s != 204)).isSubsetOf(409, 401);
      assertThat(jdbc.sql("SELECT COUNT(*) FROM credentials WHERE organization_id = ?"
              + " AND kind = 'admin'").param(tenant.organizationId()).query(Long.class).single())
          .isEqualTo(1);
    }
  }

  @Test
  void an_admin_never_sees_nor_changes_another_organizations_apps_and_keys() {
    var owner = newTenant();
    var stranger = newTenant();
    var ownerKeys = api.get("/api/v1/keys", owner.adminToken()).json().get("keys");
    var token = stranger.adminToken();

    assertThat(api.get("/api/v1/keys", token).text()).doesNotContain(owner.appId());
    assertThat(api.get("/api/v1/apps", token).text()).doesNotContain(owner.appId());
    for (var key : ownerKeys) {
      assertThat(api.delete("/api/v1/keys/" + key.get("id").asString(), token).status())
          .isEqualTo(404);
    }
    var app = "/api/v1/apps/" + owner.appId();
    assertThat(api.post(app + "/ingest-keys", token, Map.of()).status()).isEqualTo(404);
    assertThat(api.patch(app, token, Map.of("name", "mine")).status()).isEqualTo(404);
    assertThat(api.delete(app, token).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/organizations", token).status()).isEqualTo(403);
    assertThat(api.delete("/api/v1/organizations/" + owner.organizationId(), token).status())
        .isEqualTo(403);
    assertThat(api.post("/api/v1/organizations/" + owner.organizationId() + "/admin-tokens", token,
        Map.of()).status()).isEqualTo(403);

    assertThat(api.get("/api/v1/keys", owner.adminToken()).json().get("keys")).hasSize(2);
    assertThat(postEvents(owner, event("evt_1")).status()).isEqualTo(202);
    assertThat(api.get("/api/v1/apps", owner.adminToken()).json().at("/apps/0/name").asString())
        .isEqualTo("Web");
  }

  @Test
  void an_admin_lists_and_renames_apps_and_bad_names_are_named() {
    var tenant = newTenant();
    var renamed = api.patch("/api/v1/apps/" + tenant.appId(), tenant.adminToken(),
        Map.of("name", "  Mobile  "));
    assertThat(renamed.status()).isEqualTo(200);
    assertThat(renamed.field("/name")).isEqualTo("Mobile");
    var apps = api.get("/api/v1/apps", tenant.adminToken()).json().get("apps");
    assertThat(apps).hasSize(1);
    assertThat(apps.get(0).get("name").asString()).isEqualTo("Mobile");

    var blank = api.patch("/api/v1/apps/" + tenant.appId(), tenant.adminToken(), Map.of("name", " "));
    assertThat(blank.status()).isEqualTo(400);
    assertThat(blank.contentType()).startsWith("application/problem+json");
    assertThat(blank.text()).contains("\"name\"");
    assertThat(api.patch("/api/v1/apps/" + tenant.appId(), tenant.adminToken(), "[1]").status())
        .isEqualTo(400);
    assertThat(api.send("PATCH", "/api/v1/apps/" + tenant.appId(), tenant.adminToken(),
        "application/json", "{").status()).isEqualTo(400);
    assertThat(api.delete("/api/v1/keys/key_nope", tenant.adminToken()).status()).isEqualTo(404);
  }

  @Test
  void the_operator_lists_renames_and_recovers_a_lost_admin_token_of_an_organization() {
    var tenant = newTenant();
    var listed = api.get("/api/v1/organizations", OPERATOR_TOKEN);
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.text()).contains(tenant.organizationId()).doesNotContain("adminToken");

    var path = "/api/v1/organizations/" + tenant.organizationId();
    var renamed = api.patch(path, OPERATOR_TOKEN, Map.of("name", "Acme"));
    assertThat(renamed.status()).isEqualTo(200);
    assertThat(renamed.field("/name")).isEqualTo("Acme");
    assertThat(api.patch("/api/v1/organizations/org_nope", OPERATOR_TOKEN, Map.of("name", "x"))
        .status()).isEqualTo(404);

    var recovered = api.post(path + "/admin-tokens", OPERATOR_TOKEN, Map.of());
    assertThat(recovered.status()).isEqualTo(201);
    assertThat(api.get("/api/v1/apps", recovered.field("/adminToken")).status()).isEqualTo(200);
    assertThat(api.get("/api/v1/organizations", "wrong-operator-token").status()).isEqualTo(401);
  }

  private List<JsonNode> ingestKeys(Tenant tenant) {
    return keys(tenant, "ingest");
  }

  private List<JsonNode> keys(Tenant tenant, String kind) {
    var keys = new ArrayList<JsonNode>();
    api.get("/api/v1/keys", tenant.adminToken()).json().get("keys").forEach(k -> {
      if (k.get("kind").asString().equals(kind)) {
        keys.add(k);
      }
    });
    return keys;
  }
}
