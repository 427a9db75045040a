package io.segmentrelay.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.RelayTest;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * A master key rotation: write keys under the previous key keep working, and are re-encrypted
 * under the new one, counted in the log.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = "relay.master-key-previous=" + MasterKeyRotationTest.PREVIOUS)
class MasterKeyRotationTest extends RelayTest {

  static final String PREVIOUS = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";
  private static final byte[] CURRENT_BYTES =
      Base64.getDecoder().decode("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");

  @Autowired JdbcClient jdbc;
  @Autowired MasterKeyRotation rotation;

  @Test
  void write_keys_under_the_previous_key_are_sent_and_then_re_encrypted_under_the_new_one(
      CapturedOutput output) {
    var tenant = newTenant();
    var writeKey = newWriteKey();
    var id = newIntegration(tenant, writeKey);
    var underPrevious = new WriteKeyCipher(Base64.getDecoder().decode(PREVIOUS), null);
    store(id, underPrevious.encrypt(writeKey, id));

    postEvents(tenant, event("evt_1"));
    dispatcher.runDue();
    assertThat(sandbox().events(writeKey)).hasSize(1);

    assertThat(rotation.rotate()).isEqualTo(new MasterKeyRotation.Result(1, 0));
    assertThat(output.getAll()).contains("re-encrypted 1 write keys").doesNotContain(writeKey);
    var currentOnly = new WriteKeyCipher(CURRENT_BYTES, null);
    assertThat(currentOnly.decrypt(stored(id), id)).isEqualTo(writeKey);
    assertThat(rotation.rotate()).isEqualTo(new MasterKeyRotation.Result(0, 0));

    postEvents(tenant, event("evt_2"));
    dispatcher.runDue();
    assertThat(sandbox().events(writeKey)).hasSize(2);
  }

  @Test
  void a_write_key_under_neither_key_is_reported_by_integration_and_left_alone(
      CapturedOutput output) {
    var tenant = newTenant();
    var id = newIntegration(tenant, newWriteKey());
    var stranger = new WriteKeyCipher(new byte[32], null).encrypt("wk_unknown_key_1234", id);
    store(id, stranger);

    assertThat(rotation.rotate().unreadable()).isEqualTo(1);
    assertThat(output.getAll()).contains(id + " decrypts under neither")
        .doesNotContain("wk_unknown_key_1234");
    assertThat(stored(id)).isEqualTo(stranger);
    api.delete("/api/v1/integrations/" + id, tenant.adminToken());
  }

  private void store(String id, String encrypted) {
    jdbc.sql("UPDATE integrations SET write_key_enc = ? WHERE id = ?").params(encrypted, id)
        .update();
  }

  private String stored(String id) {
    return jdbc.sql("SELECT write_key_enc FROM integrations WHERE id = ?").param(id)
        .query(String.class).single();
  }
}
