package io.segmentrelay.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.RelayTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Write keys, admin tokens and ingest keys are never logged, never returned whole. */
@ExtendWith(OutputCaptureExtension.class)
class SecretsTest extends RelayTest {

  @Autowired JdbcClient jdbc;

  @Test
  void a_full_flow_logs_no_write_key_or_token(CapturedOutput output) {
    var writeKey = newWriteKey();
    var wrongKey = "wk_never_log_me_0123456789";
    var tenant = newTenant();
    var id = newIntegration(tenant, writeKey);
    var other = newIntegration(tenant, wrongKey);
    postEvents(tenant, event("evt_1"));
    dispatcher.runDue();
    api.patch("/api/v1/integrations/" + other, tenant.adminToken(), Map.of("writeKey", writeKey + "x"));
    api.post("/api/v1/integrations/" + id + "/test", tenant.adminToken(), Map.of());
    api.post("/v1/events", "sri_bogus_key_value", event("evt_2"));

    assertThat(output.getAll())
        .doesNotContain(writeKey)
        .doesNotContain(wrongKey)
        .doesNotContain(tenant.adminToken())
        .doesNotContain(tenant.ingestKey())
        .doesNotContain(OPERATOR_TOKEN)
        .doesNotContain("sri_bogus_key_value");
  }

  @Test
  void the_stored_write_key_is_ciphertext_and_the_api_returns_only_the_masked_form() {
    var writeKey = "abcd_secret_write_key_wxyz";
    var tenant = newTenant();
    var id = newIntegration(tenant, writeKey, sandboxUrl(), null);

    var stored = jdbc.sql("SELECT write_key_enc FROM integrations WHERE id = ?").param(id)
        .query(String.class).single();
    assertThat(stored).doesNotContain(writeKey).doesNotContain("secret").startsWith("v1:");

    var view = api.get("/api/v1/integrations/" + id, tenant.adminToken());
    assertThat(view.json().get("writeKey").asString()).isEqualTo("abcd…wxyz");
    assertThat(view.text()).doesNotContain(writeKey);
    assertThat(api.get("/api/v1/integrations", tenant.adminToken()).text()).doesNotContain(writeKey);
  }

  @Test
  void tokens_and_keys_are_stored_only_as_hashes() {
    var tenant = newTenant();
    var rows = jdbc.sql("SELECT o.admin_token_hash, a.ingest_key_hash FROM organizations o"
            + " JOIN apps a ON a.organization_id = o.id WHERE o.id = ?")
        .param(tenant.organizationId())
        .query((rs, n) -> rs.getString(1) + " " + rs.getString(2))
        .single();
    assertThat(rows).doesNotContain(tenant.adminToken()).doesNotContain(tenant.ingestKey());
    assertThat(rows.split(" ")).allSatisfy(hash -> assertThat(hash).hasSize(64));
  }
}
