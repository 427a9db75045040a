package io.segmentrelay.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.TestDatabases;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A database created by the first schema version, holding deliveries and their attempts, keeps
 * all of it through every later migration (on H2, and on PostgreSQL in the postgres run).
 */
@Tag("storage")
class MigrationUpgradeTest {

  @Test
  void deliveries_payloads_and_attempts_of_a_first_version_database_survive_the_upgrade() {
    var dataSource = new DriverManagerDataSource(TestDatabases.freshUrl());
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").target("1")
        .load().migrate();
    var jdbc = JdbcClient.create(dataSource);
    jdbc.sql("INSERT INTO organizations VALUES ('org_1', 'Acme', 'hash', CURRENT_TIMESTAMP)").update();
    jdbc.sql("INSERT INTO integrations VALUES ('int_1', 'org_1', 'segment', 'Segment', 'enc', '…1234',"
        + " 'https://api.segment.io', 'active', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").update();
    for (var id : new String[] {"dlv_delivered", "dlv_failed"}) {
      jdbc.sql("INSERT INTO deliveries (id, integration_id, organization_id, event_id, event_type,"
              + " message_id, status, payload_bytes, attempt_count, created_at, updated_at)"
              + " VALUES (?, 'int_1', 'org_1', ?, 'response_submitted', ?, ?, 20, 1,"
              + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
          .params(id, "evt_" + id, "msg_" + id, id.equals("dlv_failed") ? "failed" : "delivered")
          .update();
      jdbc.sql("INSERT INTO delivery_payloads VALUES (?, ?)").params(id, "{\"event\":\"" + id + "\"}")
          .update();
      jdbc.sql("INSERT INTO delivery_attempts (delivery_seq, attempt_no, attempted_at, duration_ms,"
              + " http_status) SELECT seq, 1, CURRENT_TIMESTAMP, 12, ? FROM deliveries WHERE id = ?")
          .params(id.equals("dlv_failed") ? 401 : 200, id)
          .update();
    }

    var migrated = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
        .load().migrate();

    assertThat(migrated.success).isTrue();
    var attempts = jdbc.sql("SELECT d.id, a.http_status FROM delivery_attempts a"
            + " JOIN deliveries d ON d.id = a.delivery_id ORDER BY d.id")
        .query((rs, n) -> Map.entry(rs.getString(1), rs.getInt(2)))
        .list();
    assertThat(attempts).containsExactly(Map.entry("dlv_delivered", 200), Map.entry("dlv_failed", 401));
    var payloads = jdbc.sql("SELECT id, payload FROM deliveries ORDER BY id")
        .query((rs, n) -> rs.getString(2))
        .list();
    assertThat(payloads).containsExactly("{\"event\":\"dlv_delivered\"}", "{\"event\":\"dlv_failed\"}");
    // Each delivery became a group of one, keeping its state.
    var groups = jdbc.sql("SELECT d.id, g.status, g.size, g.attempt_count FROM deliveries d"
            + " JOIN delivery_groups g ON g.id = d.group_id ORDER BY d.id")
        .query((rs, n) -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getInt(3) + " "
            + rs.getInt(4))
        .list();
    assertThat(groups).containsExactly("dlv_delivered delivered 1 1", "dlv_failed failed 1 1");
    assertThat(jdbc.sql("SELECT COUNT(*) FROM delivery_groups WHERE success_at IS NULL")
        .query(Long.class).single()).isEqualTo(2);

  }

  @Test
  void a_sandbox_integration_stored_with_a_port_becomes_the_sandbox_itself() {
    var dataSource = new DriverManagerDataSource(TestDatabases.freshUrl());
    // The last version before the sandbox one, whichever that is.
    var before = Arrays.stream(Flyway.configure().dataSource(dataSource)
            .locations("classpath:db/migration").load().info().all())
        .map(MigrationInfo::getVersion)
        .filter(v -> v.compareTo(MigrationVersion.fromVersion("14")) < 0)
        .max(Comparator.naturalOrder())
        .orElseThrow();
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").target(before)
        .load().migrate();
    var jdbc = JdbcClient.create(dataSource);
    jdbc.sql("INSERT INTO organizations VALUES ('org_1', 'Acme', 'hash', CURRENT_TIMESTAMP)").update();
    var endpoints = Map.of("int_sandbox", "http://localhost:8080/sandbox",
        "int_moved", "http://localhost:9191/sandbox", "int_segment", "https://api.segment.io",
        "int_extra", "http://127.0.0.1:9090");
    endpoints.forEach((id, endpoint) -> jdbc.sql("INSERT INTO integrations (id, organization_id,"
            + " type, name, write_key_enc, write_key_mask, endpoint, status, events, created_at,"
            + " updated_at) VALUES (?, 'org_1', 'segment', ?, 'enc', '…1234', ?, 'active', '{}',"
            + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
        .params(id, id, endpoint).update());

    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();

    var stored = jdbc.sql("SELECT id, endpoint FROM integrations ORDER BY id")
        .query((rs, n) -> rs.getString(1) + " " + rs.getString(2)).list();
    assertThat(stored).containsExactly("int_extra http://127.0.0.1:9090", "int_moved sandbox:",
        "int_sandbox sandbox:", "int_segment https://api.segment.io");
  }
}
