package io.segmentrelay.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.TestDatabases;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Integrations that existed before custom events forward none after the upgrade. */
@Tag("storage")
class CustomEventsMigrationTest {

  /** The schema's dialect placeholder; its value changes nothing here. */
  private static final java.util.Map<String, String> PLACEHOLDERS = java.util.Map.of("identity_cache", "");

  @Test
  void an_existing_integration_forwards_no_custom_events_after_the_upgrade() {
    var dataSource = new DriverManagerDataSource(TestDatabases.freshUrl());
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
        .placeholders(PLACEHOLDERS).target("1")
        .load().migrate();
    var jdbc = JdbcClient.create(dataSource);
    jdbc.sql("INSERT INTO organizations VALUES ('org_1', 'Acme', 'hash', CURRENT_TIMESTAMP)").update();
    jdbc.sql("INSERT INTO integrations (id, organization_id, type, name, write_key_enc,"
        + " write_key_mask, endpoint, status, events, created_at, updated_at) VALUES ('int_1',"
        + " 'org_1', 'segment', 'Segment', 'enc', '…1234', 'https://api.segment.io', 'active', '{}',"
        + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").update();

    var migrated = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
        .placeholders(PLACEHOLDERS).load().migrate();

    assertThat(migrated.success).isTrue();
    assertThat(jdbc.sql("SELECT custom_events FROM integrations WHERE id = 'int_1'")
        .query(String.class).single()).isEqualTo("{\"mode\":\"none\"}");
  }
}
