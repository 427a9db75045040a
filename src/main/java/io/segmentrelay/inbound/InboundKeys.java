package io.segmentrelay.inbound;

import io.segmentrelay.integration.WriteKeyCipher;
import io.segmentrelay.system.Secrets;
import io.segmentrelay.tenant.TenantDeleted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The inbound secrets' share of the key lifecycle: a deleted app's (or organization's) secrets
 * stop working in the deleting transaction, and after a master key rotation the secrets still
 * under the previous key are re-encrypted at start, as write keys are.
 */
@Component
class InboundKeys implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(InboundKeys.class);

  private final JdbcClient jdbc;
  private final WriteKeyCipher cipher;
  private final boolean rotating;

  InboundKeys(JdbcClient jdbc, WriteKeyCipher cipher, Secrets secrets) {
    this.jdbc = jdbc;
    this.cipher = cipher;
    this.rotating = secrets.previousMasterKey().isPresent();
  }

  @EventListener
  void on(TenantDeleted deleted) {
    if (deleted.appId() != null) {
      jdbc.sql("DELETE FROM inbound_secrets WHERE app_id = ?").param(deleted.appId()).update();
    } else {
      jdbc.sql("DELETE FROM inbound_secrets WHERE app_id IN"
              + " (SELECT id FROM apps WHERE organization_id = ?)")
          .param(deleted.organizationId()).update();
    }
  }

  @Override
  public void run(ApplicationArguments args) {
    if (rotating) {
      rotate();
    }
  }

  /** Re-encrypts under the current master key; returns how many secrets were. */
  int rotate() {
    var rows = jdbc.sql("SELECT app_id, secret_enc FROM inbound_secrets ORDER BY app_id")
        .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)})
        .list();
    int reencrypted = 0;
    for (var row : rows) {
      var aad = InboundStore.aad(row[0]);
      switch (cipher.under(row[1], aad)) {
        case CURRENT -> { }
        case PREVIOUS -> reencrypted += jdbc.sql("UPDATE inbound_secrets SET secret_enc = ?"
                + " WHERE app_id = ? AND secret_enc = ?")
            .params(cipher.encrypt(cipher.decrypt(row[1], aad), aad), row[0], row[1])
            .update();
        case NEITHER -> log.error("The inbound secret of app {} decrypts under neither"
            + " RELAY_MASTER_KEY nor RELAY_MASTER_KEY_PREVIOUS: rotate it", row[0]);
      }
    }
    if (reencrypted > 0) {
      log.info("Re-encrypted {} inbound secrets under the current master key", reencrypted);
    }
    return reencrypted;
  }
}
