package io.segmentrelay.integration;

import io.segmentrelay.system.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * At start, when {@code RELAY_MASTER_KEY_PREVIOUS} is set: re-encrypts under the current master
 * key every write key still under the previous one, and logs how many. Each row is replaced only
 * if it still holds what was read, so nodes starting together, or an admin saving a new write
 * key meanwhile, lose nothing. Until then, write keys under the previous key are read with it.
 */
@Component
class MasterKeyRotation implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(MasterKeyRotation.class);

  private final JdbcClient jdbc;
  private final WriteKeyCipher cipher;
  private final boolean rotating;

  MasterKeyRotation(JdbcClient jdbc, WriteKeyCipher cipher, Secrets secrets) {
    this.jdbc = jdbc;
    this.cipher = cipher;
    this.rotating = secrets.previousMasterKey().isPresent();
  }

  /** What one pass found: re-encrypted now, and readable under neither key. */
  record Result(int reencrypted, int unreadable) {}

  @Override
  public void run(ApplicationArguments args) {
    if (rotating) {
      rotate();
    }
  }

  Result rotate() {
    int reencrypted = 0;
    int unreadable = 0;
    var rows = jdbc.sql("SELECT id, write_key_enc FROM integrations ORDER BY id")
        .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)})
        .list();
    for (var row : rows) {
      var id = row[0];
      var stored = row[1];
      switch (cipher.under(stored, id)) {
        case CURRENT -> { }
        case PREVIOUS -> reencrypted += jdbc.sql(
                "UPDATE integrations SET write_key_enc = ? WHERE id = ? AND write_key_enc = ?")
            .params(cipher.encrypt(cipher.decrypt(stored, id), id), id, stored)
            .update();
        case NEITHER -> {
          unreadable++;
          log.error("The write key of integration {} decrypts under neither RELAY_MASTER_KEY nor"
              + " RELAY_MASTER_KEY_PREVIOUS: save it again", id);
        }
      }
    }
    log.info("Master key rotation: re-encrypted {} write keys under the new master key"
        + " ({} integrations in all)", reencrypted, rows.size());
    return new Result(reencrypted, unreadable);
  }
}
