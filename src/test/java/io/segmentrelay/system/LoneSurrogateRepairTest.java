package io.segmentrelay.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.TestDatabases;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Event data stored with lone surrogates before ingest refused them is repaired by the upgrade,
 * so that the delivery log and the track calls of that person can be written again.
 */
@Tag("storage")
class LoneSurrogateRepairTest {

  @Test
  void lone_surrogates_become_replacement_characters_and_well_formed_text_is_kept() {
    var dataSource = new DriverManagerDataSource(TestDatabases.freshUrl());
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
        .placeholders(Map.of("identity_cache", "")).target("1")
        .load().migrate();
    var jdbc = JdbcClient.create(dataSource);
    jdbc.sql("INSERT INTO organizations VALUES ('org_1', 'Acme', 'hash', CURRENT_TIMESTAMP)").update();
    jdbc.sql("INSERT INTO integrations VALUES ('int_1', 'org_1', 'segment', 'Seg\udc00ment', 'enc', '…1234',"
        + " 'https://api.segment.io', 'active', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").update();
    jdbc.sql("INSERT INTO delivery_groups (id, integration_id, size, status, created_at, updated_at)"
        + " VALUES ('grp_1', 'int_1', 1, 'failed', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").update();
    jdbc.sql("INSERT INTO deliveries (id, group_id, integration_id, event_id, event_type,"
            + " message_id, payload, created_at)"
            + " VALUES ('dlv_1', 'grp_1', 'int_1', 'evt_1', 'response_submitted', 'msg_1', ?,"
            + " CURRENT_TIMESTAMP)")
        .param("{\"traits\":{\"n\":\"a\ud800b\",\"ok\":\"\ud83d\ude00\"}}")
        .update();
    jdbc.sql("INSERT INTO profiles VALUES ('org_1', 'user:u1', ?, CURRENT_TIMESTAMP)")
        .param("{\"n\":\"\udfff\"}").update();

    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
        .placeholders(Map.of("identity_cache", "")).load().migrate();

    var payload = jdbc.sql("SELECT payload FROM deliveries WHERE id = 'dlv_1'")
        .query(String.class).single();
    var traits = jdbc.sql("SELECT traits FROM profiles WHERE profile_key = 'user:u1'")
        .query(String.class).single();
    assertThat(InputChecks.hasLoneSurrogate(payload)).isFalse();
    assertThat(payload).contains("\ud83d\ude00");
    assertThat(InputChecks.hasLoneSurrogate(traits)).isFalse();
    assertThat(InputChecks.hasLoneSurrogate(jdbc.sql("SELECT name FROM integrations")
        .query(String.class).single())).isFalse();
    if (!TestDatabases.postgres()) {
      assertThat(payload).contains("a\ufffdb");
      assertThat(traits).isEqualTo("{\"n\":\"\ufffd\"}");
    }
  }
}
